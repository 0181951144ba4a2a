import { ExecutionContext } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { rateLimitConfig, redisConfig } from '../../config/configuration';
import {
  RATE_LIMIT_CATEGORY_KEY,
  RateLimitCategory,
} from '../../common/decorators/rate-limit.decorator';
import { RedisRateLimitStorage } from './redis-rate-limit.storage';

function categoryOf(context: ExecutionContext): RateLimitCategory {
  const read = (target: object) =>
    Reflect.getMetadata(RATE_LIMIT_CATEGORY_KEY, target) as RateLimitCategory | undefined;
  return read(context.getHandler()) ?? read(context.getClass()) ?? 'default';
}

/**
 * One throttler whose limit and window depend on the route's category (`@RateLimit()`), so the
 * headers keep their plain X-RateLimit-* names. Counters live in Redis when configured, so limits
 * hold across API processes.
 */
export function createRateLimitModule() {
  return ThrottlerModule.forRootAsync({
    inject: [rateLimitConfig.KEY, redisConfig.KEY],
    useFactory: (
      limits: ConfigType<typeof rateLimitConfig>,
      redis: ConfigType<typeof redisConfig>,
    ) => {
      const budget = (context: ExecutionContext) => {
        switch (categoryOf(context)) {
          case 'auth':
            return { limit: limits.authPerMinute, ttl: 60_000 };
          case 'upload':
            return { limit: limits.uploadPerHour, ttl: 3600_000 };
          default:
            return { limit: limits.defaultPerMinute, ttl: 60_000 };
        }
      };
      return {
        throttlers: [
          {
            name: 'default',
            limit: (context) => budget(context).limit,
            ttl: (context) => budget(context).ttl,
          },
        ],
        skipIf: (context) => !limits.enabled || categoryOf(context) === 'none',
        generateKey: (context, tracker) => `${categoryOf(context)}:${tracker}`,
        storage:
          limits.enabled && redis.url
            ? new RedisRateLimitStorage(redis.url, redis.prefix)
            : undefined,
      };
    },
  });
}
