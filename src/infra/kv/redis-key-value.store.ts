import Redis from 'ioredis';
import { ServiceUnavailableError } from '../../common/errors/app-error';
import { KeyValueStore } from './key-value.store';

/**
 * The key-value port on Redis. When Redis cannot answer, every operation fails with 503
 * SERVICE_UNAVAILABLE: what depends on it (token revocation, lockouts) fails closed, and callers
 * for whom it is only a cache catch the error and carry on.
 */
export class RedisKeyValueStore extends KeyValueStore {
  constructor(private readonly redis: Redis) {
    super();
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
      throw new ServiceUnavailableError('A dependency is unavailable, try again shortly');
    }
  }
}
