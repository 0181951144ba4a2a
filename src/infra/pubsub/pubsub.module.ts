import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import Redis from 'ioredis';
import { redisConfig } from '../../config/configuration';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { Broadcaster } from './broadcaster';
import { MemoryBroadcaster } from './memory-broadcaster';
import { RedisBroadcaster } from './redis-broadcaster';

/** Redis pub/sub when REDIS_URL is set (every process hears), else in-process. */
@Global()
@Module({
  providers: [
    {
      provide: Broadcaster,
      inject: [REDIS_CLIENT, redisConfig.KEY],
      useFactory: (redis: Redis | null, cfg: ConfigType<typeof redisConfig>): Broadcaster =>
        redis ? new RedisBroadcaster(redis, `${cfg.prefix}:`) : new MemoryBroadcaster(),
    },
  ],
  exports: [Broadcaster],
})
export class PubSubModule implements OnApplicationShutdown {
  constructor(@Inject(Broadcaster) private readonly broadcaster: Broadcaster) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.broadcaster instanceof RedisBroadcaster) await this.broadcaster.close();
  }
}
