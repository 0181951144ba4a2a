import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/time/clock';
import { JobHandler } from '../queue/job-handler.decorator';
import { JOBS, QUEUES } from '../queue/queue.constants';
import { IdempotencyStore } from './idempotency.store';

/** Hourly on the maintenance queue: idempotency records past their 24 h go. */
@Injectable()
export class PurgeIdempotencyKeysProcessor {
  private readonly logger = new Logger('PurgeIdempotencyKeys');

  constructor(
    private readonly store: IdempotencyStore,
    private readonly clock: Clock,
  ) {}

  @JobHandler(QUEUES.MAINTENANCE, JOBS.PURGE_IDEMPOTENCY_KEYS, { everyMs: 3600_000 })
  async purge(): Promise<void> {
    const removed = await this.store.purgeExpired(this.clock.now());
    if (removed > 0) this.logger.log(`purged ${removed} expired idempotency keys`);
  }
}
