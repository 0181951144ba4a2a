import { Global, Module } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { KeyValueStore } from './key-value.store';
import { MemoryKeyValueStore } from './memory-key-value.store';
import { RedisKeyValueStore } from './redis-key-value.store';

@Global()
@Module({
  providers: [
    {
      provide: KeyValueStore,
      inject: [REDIS_CLIENT],
      useFactory: (redis: Redis | null): KeyValueStore =>
        redis ? new RedisKeyValueStore(redis) : new MemoryKeyValueStore(),
    },
  ],
  exports: [KeyValueStore],
})
export class KeyValueModule {}
