import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  calculateJwkThumbprint,
  CompactSign,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  type KeyLike,
  SignJWT,
} from 'jose';
import { credentialsConfig } from '../../config/configuration';
import { SecretBox } from '../../infra/crypto/secret-box';
import {
  JwksContributor,
  JwksRegistry,
  PublicJwk as JwksPublicJwk,
} from '../../infra/jwks/jwks.registry';
import { KeyAlgorithm, KeyPurpose, PublicJwk, SigningKey } from './entities/signing-key.entity';
import { NewSigningKey, SigningKeysRepository } from './signing-keys.repository';

export interface ActiveKey {
  kid: string;
  algorithm: KeyAlgorithm;
  privateKey: KeyLike;
}

/** Raised when a purpose's key is given by the environment: rotate by changing the variable. */
export class KeyFromEnvironmentError extends Error {}

/**
 * The issuer's signing keys, by purpose: `credentials` (EdDSA, Open Badges) and `lti` (RS256, the
 * LTI platform's id_tokens). A purpose gets its key pair on first use (or from the environment:
 * `CREDENTIAL_SIGNING_KEY` for credentials); the private half is kept sealed with the secret box;
 * `kid` is the JWK thumbprint. Every key ever used stays in the JWKS.
 */
@Injectable()
export class SigningKeysService implements JwksContributor, OnModuleInit {
  /** Imported private keys by kid: opening and parsing once per process. */
  private readonly imported = new Map<string, Promise<KeyLike>>();
  private readonly fromEnvironment: Partial<Record<KeyPurpose, Promise<ActiveKey>>> = {};
  private readonly alwaysPublished = new Map<KeyPurpose, KeyAlgorithm>();
  private readonly creating = new Map<KeyPurpose, Promise<void>>();

  constructor(
    private readonly keys: SigningKeysRepository,
    private readonly secrets: SecretBox,
    @Inject(credentialsConfig.KEY) private readonly cfg: ConfigType<typeof credentialsConfig>,
    private readonly registry: JwksRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  /**
   * The key that signs for `purpose` now. Read on every call (not cached), so a rotation made by
   * another process is followed at once.
   */
  async active(purpose: KeyPurpose, algorithm: KeyAlgorithm): Promise<ActiveKey> {
    const configured = this.configuredPem(purpose);
    if (configured) return (this.fromEnvironment[purpose] ??= this.adoptPem(purpose, configured));
    let row = await this.keys.findActive(purpose);
    if (!row) {
      await this.createFirst(purpose, algorithm);
      row = await this.keys.findActive(purpose);
    }
    return this.toActive(row!);
  }

  /** Signs `payload` (a JSON object, signed byte for byte as serialised) as a compact JWS. */
  async sign(key: ActiveKey, payload: object, typ: string): Promise<string> {
    return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: key.algorithm, typ, kid: key.kid })
      .sign(key.privateKey);
  }

  /**
   * Signs `claims` as a JWT with the active key of `purpose`: header `{ alg, typ, kid }`, `iat`
   * now and `exp` `expiresInSeconds` later (both set here, over any given in `claims`).
   */
  async signJwt(
    purpose: KeyPurpose,
    algorithm: KeyAlgorithm,
    claims: Record<string, unknown>,
    options: { expiresInSeconds: number; typ?: string },
  ): Promise<string> {
    const key = await this.active(purpose, algorithm);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: key.algorithm, typ: options.typ ?? 'JWT', kid: key.kid })
      .setIssuedAt()
      .setExpirationTime(`${options.expiresInSeconds}s`)
      .sign(key.privateKey);
  }

  /** A new key pair becomes the active one; the retired keys stay listed. */
  async rotate(
    purpose: KeyPurpose,
    algorithm: KeyAlgorithm,
  ): Promise<{ kid: string; retired: string[] }> {
    if (this.configuredPem(purpose)) {
      throw new KeyFromEnvironmentError(
        'the credentials key is given by CREDENTIAL_SIGNING_KEY: rotate it by changing that variable',
      );
    }
    const key = await this.generate(purpose, algorithm);
    const retired = await this.keys.rotate(key);
    return { kid: key.kid, retired };
  }

  /**
   * The key of `purpose` is listed from the first fetch of the JWKS on, before it signs anything
   * (an LTI tool may read the platform's key set when it is configured): the first fetch that
   * finds no key of the purpose creates it.
   */
  publishAlways(purpose: KeyPurpose, algorithm: KeyAlgorithm): void {
    this.alwaysPublished.set(purpose, algorithm);
  }

  /** Every listed key, whatever its purpose, for `/.well-known/jwks.json`. */
  async publicJwks(): Promise<JwksPublicJwk[]> {
    let rows = await this.keys.listPublic();
    const missing = [...this.alwaysPublished].filter(
      ([purpose]) => !rows.some((row) => row.purpose === purpose),
    );
    if (missing.length > 0) {
      await Promise.all(missing.map(([purpose, algorithm]) => this.active(purpose, algorithm)));
      rows = await this.keys.listPublic();
    }
    return rows.map((row) => ({ ...row.publicJwk, kid: row.kid, alg: row.algorithm, use: 'sig' }));
  }

  /**
   * Creates the first key of a purpose: callers of one process share one key pair generation
   * (an RSA one is costly), and the database keeps one key whatever other processes do.
   */
  private createFirst(purpose: KeyPurpose, algorithm: KeyAlgorithm): Promise<void> {
    let pending = this.creating.get(purpose);
    if (!pending) {
      pending = this.generate(purpose, algorithm)
        .then((key) => this.keys.insertActiveIfNone(key))
        .finally(() => this.creating.delete(purpose));
      this.creating.set(purpose, pending);
    }
    return pending;
  }

  private configuredPem(purpose: KeyPurpose): string | undefined {
    return purpose === 'credentials' ? this.cfg.signingKeyPem : undefined;
  }

  private async generate(purpose: KeyPurpose, algorithm: KeyAlgorithm): Promise<NewSigningKey> {
    const pair = await generateKeyPair(
      algorithm,
      algorithm === 'RS256'
        ? { modulusLength: 2048, extractable: true }
        : { crv: 'Ed25519', extractable: true },
    );
    const publicJwk = await publicJwkOf(pair.publicKey);
    return {
      kid: await calculateJwkThumbprint(publicJwk, 'sha256'),
      purpose,
      algorithm,
      publicJwk,
      privateKey: this.secrets.seal(await exportPKCS8(pair.privateKey)),
    };
  }

  /** A key given by the environment: listed in the JWKS (public half only), never stored sealed. */
  private async adoptPem(purpose: KeyPurpose, pem: string): Promise<ActiveKey> {
    const publicJwk = await publicJwkOf(createPublicKey(createPrivateKey(pem)));
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
    await this.keys.insertListedIfAbsent({
      kid,
      purpose,
      algorithm: 'EdDSA',
      publicJwk,
      privateKey: null,
    });
    return { kid, algorithm: 'EdDSA', privateKey: await importPKCS8(pem, 'EdDSA') };
  }

  private async toActive(row: SigningKey): Promise<ActiveKey> {
    let privateKey = this.imported.get(row.kid);
    if (!privateKey) {
      privateKey = importPKCS8(this.secrets.open(row.privateKey!), row.algorithm);
      this.imported.set(row.kid, privateKey);
    }
    return { kid: row.kid, algorithm: row.algorithm, privateKey: await privateKey };
  }
}

async function publicJwkOf(key: KeyLike | KeyObject): Promise<PublicJwk> {
  const { kty, crv, x, n, e } = await exportJWK(key);
  const members = Object.entries({ crv, x, n, e }).filter(([, v]) => v !== undefined);
  return { kty: kty, ...(Object.fromEntries(members) as Record<string, string>) };
}
