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
              // Commands issued in the same tick go out as one write (a request's token check
              // asks for its revocation and its user's state together: one round trip).
              enableAutoPipelining: true,
            })
          : null,
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis | null) {}

  /** QUIT when connected; otherwise (Redis down) stop reconnecting at once, or the process hangs. */
  async onApplicationShutdown(): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'end') return;
    if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
    else redis.disconnect();
  }
}
