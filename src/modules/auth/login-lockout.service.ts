import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { authConfig } from '../../config/configuration';
import { KeyValueStore } from '../../infra/kv/key-value.store';
import { AccountLockedError } from './auth.errors';

/**
 * LOGIN_MAX_FAILURES consecutive failures for one (email, client IP) within LOGIN_LOCK_SECONDS
 * lock that pair for LOGIN_LOCK_SECONDS; a success clears the count. Kept in Redis when
 * configured, so the count holds across API processes.
 */
@Injectable()
export class LoginLockoutService {
  constructor(
    private readonly store: KeyValueStore,
    @Inject(authConfig.KEY) private readonly cfg: ConfigType<typeof authConfig>,
  ) {}

  async assertNotLocked(email: string, ip: string): Promise<void> {
    const ttl = await this.store.ttl(this.lockKey(email, ip));
    if (ttl > 0) throw new AccountLockedError(ttl);
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const failures = await this.store.increment(this.failKey(email, ip), this.cfg.loginLockSeconds);
    if (failures >= this.cfg.loginMaxFailures) {
      await this.store.set(this.lockKey(email, ip), '1', this.cfg.loginLockSeconds);
      await this.store.delete(this.failKey(email, ip));
    }
  }

  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.store.delete(this.failKey(email, ip));
  }

  private failKey(email: string, ip: string): string {
    return `login-fail:${email}:${ip}`;
  }

  private lockKey(email: string, ip: string): string {
    return `login-lock:${email}:${ip}`;
  }
}
