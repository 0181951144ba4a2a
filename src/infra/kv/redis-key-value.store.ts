import Redis from 'ioredis';
import { ServiceUnavailableError } from '../../common/errors/app-error';
import { KeyValueStore, RecoveryHook } from './key-value.store';

const RETRY_RECOVERY_MS = 1_000;

/**
 * The key-value port on Redis. When Redis cannot answer, every operation fails with 503
 * SERVICE_UNAVAILABLE, and the store turns untrusted: callers for whom it is a cache carry on
 * without it, and callers for whom it is a fast path read PostgreSQL. Trust comes back only after
 * a reconnect (or a failed write) has been followed by every recovery hook, e.g. the revocations
 * written to PostgreSQL while Redis was away being copied back.
 */
export class RedisKeyValueStore extends KeyValueStore {
  private readonly hooks: RecoveryHook[] = [];
  private trusted = false;
  /** Bumped whenever the store may have missed a write; a recovery counts only if none happened. */
  private generation = 0;
  private recovering = false;
  private recoverAgain = false;
  private retryTimer?: NodeJS.Timeout;

  constructor(private readonly redis: Redis) {
    super();
    redis.on('ready', () => this.recover());
    redis.on('close', () => this.markStale());
    if (redis.status === 'ready') this.recover();
  }

  isTrusted(): boolean {
    return this.trusted && this.redis.status === 'ready';
  }

  onRecovery(hook: RecoveryHook): void {
    this.hooks.push(hook);
    this.markStale();
  }

  markStale(): void {
    this.trusted = false;
    this.generation += 1;
    this.recover();
  }

  get(key: string): Promise<string | null> {
    return this.guard(() => this.redis.get(`kv:${key}`));
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.guard(() =>
      this.redis.set(`kv:${key}`, value, 'EX', Math.max(1, Math.ceil(ttlSeconds))),
    );
  }

  async delete(key: string): Promise<void> {
    await this.guard(() => this.redis.del(`kv:${key}`));
  }

  async deleteByPrefix(prefix: string): Promise<void> {
    const keyPrefix = this.redis.options.keyPrefix ?? '';
    const pattern = `${keyPrefix}kv:${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    await this.guard(async () => {
      let cursor = '0';
      do {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        // SCAN returns full names; ioredis adds the key prefix to DEL's arguments again.
        if (keys.length > 0) await this.redis.del(...keys.map((k) => k.slice(keyPrefix.length)));
      } while (cursor !== '0');
    });
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    const results = await this.guard(() =>
      this.redis
        .multi()
        .incr(`kv:${key}`)
        .expire(`kv:${key}`, Math.max(1, Math.ceil(ttlSeconds)), 'NX')
        .exec(),
    );
    const [[error, value]] = results as [[Error | null, number]];
    if (error) throw new ServiceUnavailableError('The key-value store refused a command');
    return value;
  }

  async ttl(key: string): Promise<number> {
    const seconds = await this.guard(() => this.redis.ttl(`kv:${key}`));
    return seconds < 0 ? -1 : seconds;
  }

  async ping(): Promise<void> {
    await this.guard(() => this.redis.ping());
  }

  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch {
      this.markStale();
      throw new ServiceUnavailableError('A dependency is unavailable, try again shortly');
    }
  }

  /** Runs the hooks once Redis is ready; again if the store went stale meanwhile. */
  private recover(): void {
    if (this.redis.status !== 'ready') return;
    if (this.recovering) {
      this.recoverAgain = true;
      return;
    }
    this.recovering = true;
    const generation = this.generation;
    void this.runHooks().then((ok) => {
      this.recovering = false;
      if (ok && generation === this.generation && this.redis.status === 'ready') {
        this.trusted = true;
      } else if (!ok) {
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.recover(), RETRY_RECOVERY_MS);
        this.retryTimer.unref();
      }
      if (this.recoverAgain) {
        this.recoverAgain = false;
        this.recover();
      }
    });
  }

  private async runHooks(): Promise<boolean> {
    try {
      for (const hook of this.hooks) await hook();
      return true;
    } catch {
      return false;
    }
  }
}
