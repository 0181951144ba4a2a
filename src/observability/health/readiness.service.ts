import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import Redis from 'ioredis';
import { REDIS_CLIENT } from '../../infra/redis/redis.constants';

export type ComponentState = 'up' | 'down' | 'disabled';

export interface Readiness {
  status: 'ok' | 'degraded';
  database: ComponentState;
  redis: ComponentState;
}

const PING_TIMEOUT_MS = 2_000;

/** Pings each dependency with Terminus indicators; shared by the API's /ready and the worker's health port. */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly typeorm: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
  ) {}

  async check(): Promise<Readiness> {
    const [database, redis] = await Promise.all([this.database(), this.redisState()]);
    const status = database === 'down' || redis === 'down' ? 'degraded' : 'ok';
    return { status, database, redis };
  }

  private async database(): Promise<ComponentState> {
    const result = await this.typeorm.pingCheck('database', { timeout: PING_TIMEOUT_MS });
    return result.database.status === 'up' ? 'up' : 'down';
  }

  private async redisState(): Promise<ComponentState> {
    if (!this.redis) return 'disabled';
    const check = this.indicators.check('redis');
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), PING_TIMEOUT_MS);
        }),
      ]);
      return check.up().redis.status;
    } catch {
      return check.down().redis.status;
    } finally {
      clearTimeout(timer);
    }
  }
}
