import Redis from 'ioredis';
import { KeyValueStore } from './key-value.store';

export class RedisKeyValueStore extends KeyValueStore {
  constructor(private readonly redis: Redis) {
    super();
  }

  get(key: string): Promise<string | null> {
    return this.redis.get(`kv:${key}`);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(`kv:${key}`, value, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(`kv:${key}`);
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    const [[, value]] = (await this.redis
      .multi()
      .incr(`kv:${key}`)
      .expire(`kv:${key}`, Math.max(1, Math.ceil(ttlSeconds)), 'NX')
      .exec()) as [[Error | null, number]];
    return value;
  }

  async ttl(key: string): Promise<number> {
    const seconds = await this.redis.ttl(`kv:${key}`);
    return seconds < 0 ? -1 : seconds;
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }
}
