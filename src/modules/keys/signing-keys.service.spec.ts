import { calculateJwkThumbprint, importJWK, jwtVerify } from 'jose';
import { SecretBox } from '../../infra/crypto/secret-box';
import { JwksRegistry } from '../../infra/jwks/jwks.registry';
import { KeyPurpose, SigningKey } from './entities/signing-key.entity';
import { NewSigningKey, SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';

/** The repository's contract in memory: one active key per purpose, the first insert wins. */
class MemoryKeys {
  readonly rows: SigningKey[] = [];
  inserts = 0;

  async findActive(purpose: KeyPurpose): Promise<SigningKey | null> {
    await Promise.resolve();
    return this.rows.find((row) => row.purpose === purpose && row.active) ?? null;
  }

  async insertActiveIfNone(key: NewSigningKey): Promise<void> {
    this.inserts += 1;
    if (await this.findActive(key.purpose)) return;
    this.rows.push({
      ...key,
      id: `${this.rows.length}`,
      active: true,
      createdAt: new Date(),
      retiredAt: null,
    });
  }

  async listPublic(): Promise<SigningKey[]> {
    await Promise.resolve();
    return [...this.rows];
  }
}

function service(keys: MemoryKeys): SigningKeysService {
  return new SigningKeysService(
    keys as unknown as SigningKeysRepository,
    new SecretBox('unit-test-key-material'),
    { signingKeyPem: undefined, issuerName: 'LMS' },
    new JwksRegistry(),
  );
}

describe('SigningKeysService', () => {
  it('generates a sealed 2048-bit RS256 key (kid = thumbprint) and signs JWTs with iat and exp', async () => {
    const keys = new MemoryKeys();
    const signer = service(keys);
    const jwt = await signer.signJwt(
      'lti',
      'RS256',
      { sub: 'u1', iat: 1, exp: 2 },
      { expiresInSeconds: 300 },
    );

    expect(keys.rows).toHaveLength(1);
    const [row] = keys.rows;
    expect(row).toMatchObject({ purpose: 'lti', algorithm: 'RS256', active: true });
    expect(Object.keys(row.publicJwk).sort()).toEqual(['e', 'kty', 'n']);
    expect(Buffer.from(row.publicJwk.n, 'base64url')).toHaveLength(256);
    expect(row.kid).toBe(await calculateJwkThumbprint(row.publicJwk, 'sha256'));
    expect(row.privateKey).toMatch(/^v1\./);

    const publicKey = await importJWK(row.publicJwk, 'RS256');
    const { payload, protectedHeader } = await jwtVerify(jwt, publicKey);
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT', kid: row.kid });
    expect(payload.sub).toBe('u1');
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(60);
  });

  it('generates one key pair for callers of one process asking for the first key at once', async () => {
    const keys = new MemoryKeys();
    const signer = service(keys);
    const active = await Promise.all(
      Array.from({ length: 5 }, () => signer.active('lti', 'RS256')),
    );
    expect(new Set(active.map((key) => key.kid)).size).toBe(1);
    expect(keys.inserts).toBe(1);
    expect(keys.rows).toHaveLength(1);
  });

  it('lists an always-published purpose from the first JWKS fetch, once, and the others as they are', async () => {
    const keys = new MemoryKeys();
    const signer = service(keys);
    expect(await signer.publicJwks()).toEqual([]);

    signer.publishAlways('lti', 'RS256');
    const [first, second] = await Promise.all([signer.publicJwks(), signer.publicJwks()]);
    expect(first).toEqual([
      {
        kty: 'RSA',
        n: expect.any(String),
        e: 'AQAB',
        kid: keys.rows[0].kid,
        alg: 'RS256',
        use: 'sig',
      },
    ]);
    expect(second).toEqual(first);
    expect(keys.rows.map((row) => row.purpose)).toEqual(['lti']);
  });
});
