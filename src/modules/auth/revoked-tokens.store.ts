import { Injectable } from '@nestjs/common';
import { KeyValueStore } from '../../infra/kv/key-value.store';

const key = (jti: string) => `revoked-jti:${jti}`;

/** Access and MFA tokens revoked before their expiry (logout, spent MFA tokens), by `jti`. */
@Injectable()
export class RevokedTokensStore {
  constructor(private readonly store: KeyValueStore) {}

  async revoke(jti: string, expiresAtSeconds: number): Promise<void> {
    const ttl = expiresAtSeconds - Math.floor(Date.now() / 1000);
    if (ttl > 0) await this.store.set(key(jti), '1', ttl);
  }

  async isRevoked(jti: string): Promise<boolean> {
    return (await this.store.get(key(jti))) !== null;
  }
}
