import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ServiceUnavailableError } from '../../common/errors/app-error';
import { KeyValueStore } from '../../infra/kv/key-value.store';
import { RevokedTokensRepository } from './revoked-tokens.repository';

const key = (jti: string) => `revoked-jti:${jti}`;
const UNAVAILABLE = 'Cannot check the token right now, try again shortly';

/**
 * Access and MFA tokens revoked before their expiry (logout, spent MFA tokens), by `jti`.
 * PostgreSQL holds the truth; the key-value store (Redis) is the fast path read on every request.
 * While the store is untrusted (down, or back but not yet refilled) checks read PostgreSQL, so a
 * Redis outage neither forgets a logout nor takes authenticated requests down; only when both are
 * unavailable do checks fail closed (503).
 */
@Injectable()
export class RevokedTokensStore implements OnModuleInit {
  private readonly logger = new Logger('RevokedTokens');

  constructor(
    private readonly revocations: RevokedTokensRepository,
    private readonly store: KeyValueStore,
  ) {}

  /** After every reconnect, revocations written while the store was away are copied back. */
  onModuleInit(): void {
    this.store.onRecovery(async () => {
      const live = await this.revocations.findLive();
      for (const row of live) await this.store.set(key(row.jti), '1', row.ttl);
      if (live.length > 0) this.logger.log(`fast path refilled with ${live.length} revocations`);
    });
  }

  async revoke(jti: string, expiresAtSeconds: number): Promise<void> {
    const ttl = expiresAtSeconds - Math.floor(Date.now() / 1000);
    if (ttl <= 0) return;
    try {
      await this.revocations.insert(jti, new Date(expiresAtSeconds * 1000));
    } catch {
      throw new ServiceUnavailableError('Cannot revoke the token right now, try again shortly');
    }
    // Best effort: a failed write marks the store stale, and the recovery hook copies this back.
    await this.store.set(key(jti), '1', ttl).catch(() => this.store.markStale());
  }

  async isRevoked(jti: string): Promise<boolean> {
    if (this.store.isTrusted()) {
      try {
        return (await this.store.get(key(jti))) !== null;
      } catch {
        // Fall through to PostgreSQL.
      }
    }
    try {
      return await this.revocations.exists(jti);
    } catch {
      throw new ServiceUnavailableError(UNAVAILABLE);
    }
  }

  purgeExpiredBefore(cutoff: Date): Promise<number> {
    return this.revocations.deleteExpiredBefore(cutoff);
  }
}
