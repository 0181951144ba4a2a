import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import Redis from 'ioredis';
import { redisConfig } from '../../config/configuration';
import { REDIS_CLIENT } from './redis.constants';
import { redisOptionsFromUrl } from './redis-options';

/** One shared ioredis connection for cache, blacklist and lockouts; absent without REDIS_URL. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [redisConfig.KEY],
      useFactory: (cfg: ConfigType<typeof redisConfig>): Redis | null =>
        cfg.url
          ? new Redis({
              ...redisOptionsFromUrl(cfg.url),
              keyPrefix: `${cfg.prefix}:`,
              maxRetriesPerRequest: 2,
              enableOfflineQueue: false,
              lazyConnect: false,
            })
          : null,
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.redis && this.redis.status !== 'end') await this.redis.quit().catch(() => undefined);
  }
}
