import { Injectable, Logger } from '@nestjs/common';
import { JobHandler } from '../../../infra/queue/job-handler.decorator';
import { JOBS, QUEUES } from '../../../infra/queue/queue.constants';
import { AttemptsService } from '../attempts.service';

/** Every minute on the maintenance queue: timed attempts abandoned past their deadline close. */
@Injectable()
export class ExpireAttemptsProcessor {
  private readonly logger = new Logger('ExpireAttempts');

  constructor(private readonly attempts: AttemptsService) {}

  @JobHandler(QUEUES.MAINTENANCE, JOBS.EXPIRE_ATTEMPTS, { everyMs: 60_000 })
  async expire(): Promise<void> {
    const closed = await this.attempts.closeAbandoned();
    if (closed > 0) this.logger.log(`closed ${closed} abandoned quiz attempts as expired`);
  }
}
