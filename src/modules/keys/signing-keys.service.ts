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
 * The issuer's signing keys, by purpose. A purpose gets its key pair on first use (or from the
 * environment: `CREDENTIAL_SIGNING_KEY` for credentials); the private half is kept sealed with the
 * secret box; `kid` is the JWK thumbprint. Every key ever used stays in the JWKS.
 */
@Injectable()
export class SigningKeysService implements JwksContributor, OnModuleInit {
  /** Imported private keys by kid: opening and parsing once per process. */
  private readonly imported = new Map<string, Promise<KeyLike>>();
  private readonly fromEnvironment: Partial<Record<KeyPurpose, Promise<ActiveKey>>> = {};

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
      await this.keys.insertActiveIfNone(await this.generate(purpose, algorithm));
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

  /** Every listed key, whatever its purpose, for `/.well-known/jwks.json`. */
  async publicJwks(): Promise<JwksPublicJwk[]> {
    const rows = await this.keys.listPublic();
    return rows.map((row) => ({ ...row.publicJwk, kid: row.kid, alg: row.algorithm, use: 'sig' }));
  }

  private configuredPem(purpose: KeyPurpose): string | undefined {
    return purpose === 'credentials' ? this.cfg.signingKeyPem : undefined;
  }

  private async generate(purpose: KeyPurpose, algorithm: KeyAlgorithm): Promise<NewSigningKey> {
    const pair = await generateKeyPair(algorithm, { crv: 'Ed25519', extractable: true });
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
