import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { importPKCS8, KeyLike, SignJWT } from 'jose';
import { SecretBox } from '../../infra/crypto/secret-box';
import { JwksContributor, JwksRegistry, PublicJwk } from '../../infra/jwks/jwks.registry';
import { PlatformKeysRepository } from './platform-keys.repository';

interface ActiveKey {
  kid: string;
  publicJwk: PublicJwk;
  privateKey: KeyLike;
}

/**
 * The platform's RSA key pair (RS256) that signs id_tokens. Created on first use: every process
 * generates a candidate, the database keeps the first one inserted, and all use that one. The
 * private key is sealed at rest with the SecretBox; the public half is in the JWKS.
 */
@Injectable()
export class PlatformKeysService implements JwksContributor, OnModuleInit {
  private active?: Promise<ActiveKey>;

  constructor(
    private readonly repository: PlatformKeysRepository,
    private readonly box: SecretBox,
    private readonly jwks: JwksRegistry,
  ) {}

  onModuleInit(): void {
    this.jwks.register(this);
  }

  async publicJwks(): Promise<PublicJwk[]> {
    return [(await this.key()).publicJwk];
  }

  /** Signs `claims` as a JWT with the platform key (`kid` in the header). */
  async sign(claims: Record<string, unknown>, expiresInSeconds: number): Promise<string> {
    const key = await this.key();
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .setIssuedAt()
      .setExpirationTime(`${expiresInSeconds}s`)
      .sign(key.privateKey);
  }

  private key(): Promise<ActiveKey> {
    this.active ??= this.load().catch((error: unknown) => {
      this.active = undefined;
      throw error;
    });
    return this.active;
  }

  private async load(): Promise<ActiveKey> {
    let row = await this.repository.findActive();
    if (!row) {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const kid = randomUUID();
      const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
      await this.repository.insertActiveIfAbsent({
        kid,
        publicJwk,
        privateKey: this.box.seal(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
      });
      row = (await this.repository.findActive())!;
    }
    const privateKey = await importPKCS8(this.box.open(row.privateKey), 'RS256');
    const publicJwk = row.publicJwk as PublicJwk;
    return { kid: row.kid, publicJwk, privateKey };
  }
}
