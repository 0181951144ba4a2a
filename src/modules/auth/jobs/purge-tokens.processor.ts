import { Injectable, Logger } from '@nestjs/common';
import { JobHandler } from '../../../infra/queue/job-handler.decorator';
import { JOBS, QUEUES } from '../../../infra/queue/queue.constants';
import { AuthService } from '../auth.service';

/** Hourly on the maintenance queue: expired refresh, reset and verification tokens go. */
@Injectable()
export class PurgeTokensProcessor {
  private readonly logger = new Logger('PurgeTokens');

  constructor(private readonly auth: AuthService) {}

  @JobHandler(QUEUES.MAINTENANCE, JOBS.PURGE_AUTH_TOKENS, { everyMs: 3600_000 })
  async purge(): Promise<void> {
    const removed = await this.auth.purgeExpiredTokens();
    if (removed > 0) this.logger.log(`purged ${removed} expired tokens`);
  }
}
