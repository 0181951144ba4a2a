import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Logger } from '@nestjs/common';
import { ServiceUnavailableError } from '../../common/errors/app-error';

/** How long a request may wait for the rate-limit counters before it is refused. */
const REDIS_COMMAND_TIMEOUT_MS = 2_000;

/**
 * Counters in Redis that fail fast: while Redis is unreachable a request gets 503
 * SERVICE_UNAVAILABLE at once instead of hanging through ioredis' retries (about 10 s) and ending
 * as a 500.
 */
export class RedisRateLimitStorage extends ThrottlerStorageRedisService {
  private readonly logger = new Logger('RateLimit');

  constructor(url: string, prefix: string) {
    super(url, {
      keyPrefix: `${prefix}:throttle:`,
      maxRetriesPerRequest: 1,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: REDIS_COMMAND_TIMEOUT_MS,
    });
  }

  override async increment(
    ...args: Parameters<ThrottlerStorageRedisService['increment']>
  ): ReturnType<ThrottlerStorageRedisService['increment']> {
    try {
      return await super.increment(...args);
    } catch (error) {
      this.logger.warn(`rate-limit counters unavailable: ${(error as Error).message}`);
      throw new ServiceUnavailableError('Rate limiting is unavailable, try again later');
    }
  }
}
