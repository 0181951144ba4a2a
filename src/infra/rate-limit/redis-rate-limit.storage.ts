import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Logger } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';

/** How long a request may wait for the rate-limit counters before the local ones answer. */
const REDIS_COMMAND_TIMEOUT_MS = 2_000;

type Increment = ThrottlerStorageRedisService['increment'];

/**
 * Counters in Redis, so limits hold across API processes. While Redis is unreachable each process
 * counts on its own (the same limits, per process) instead of refusing or hanging: a cache outage
 * must not become an outage of the API.
 */
export class RedisRateLimitStorage extends ThrottlerStorageRedisService {
  private readonly logger = new Logger('RateLimit');
  private readonly local = new ThrottlerStorageService();
  private degraded = false;

  constructor(url: string, prefix: string) {
    super(url, {
      keyPrefix: `${prefix}:throttle:`,
      maxRetriesPerRequest: 1,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: REDIS_COMMAND_TIMEOUT_MS,
      enableOfflineQueue: false,
    });
  }

  override async increment(...args: Parameters<Increment>): ReturnType<Increment> {
    if (this.redis.status === 'ready') {
      try {
        const record = await super.increment(...args);
        this.degraded = false;
        return record;
      } catch (error) {
        this.warnOnce((error as Error).message);
      }
    } else {
      this.warnOnce(`Redis is ${this.redis.status}`);
    }
    return this.local.increment(...args);
  }

  override onModuleDestroy(): void {
    this.local.onApplicationShutdown();
    super.onModuleDestroy();
  }

  private warnOnce(reason: string): void {
    if (this.degraded) return;
    this.degraded = true;
    this.logger.warn(`rate-limit counters unavailable (${reason}): counting per process`);
  }
}
