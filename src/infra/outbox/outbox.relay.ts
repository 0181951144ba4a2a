import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { jobsConfig } from '../../config/configuration';
import { JobHandler } from '../queue/job-handler.decorator';
import { JobHandlerRegistry } from '../queue/job-handler.registry';
import { JobQueue } from '../queue/job-queue';
import { JOBS, QueueName, QUEUES } from '../queue/queue.constants';
import { OutboxRepository } from './outbox.repository';

const BATCH_SIZE = 100;
const KEEP_SENT_DAYS = 7;

/**
 * Moves outbox rows to their queues. It runs where jobs are consumed: in the worker, or in the API
 * process when jobs run inline. Each row's id is the job id, so a crash between enqueue and commit
 * cannot produce a duplicate job.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private timer?: NodeJS.Timeout;
  private current?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly jobs: JobQueue,
    private readonly registry: JobHandlerRegistry,
    @Inject(jobsConfig.KEY) private readonly cfg: ConfigType<typeof jobsConfig>,
  ) {}

  onApplicationBootstrap(): void {
    this.tick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current?.catch(() => undefined);
  }

  /** Relays every pending row; returns how many were sent. */
  async relayPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await this.relayBatch();
      total += sent;
      if (sent < BATCH_SIZE) return total;
    }
  }

  @JobHandler(QUEUES.MAINTENANCE, JOBS.PURGE_OUTBOX, { everyMs: 3600_000 })
  async purgeSent(): Promise<void> {
    const cutoff = new Date(Date.now() - KEEP_SENT_DAYS * 24 * 3600_000);
    const removed = await this.outbox.deleteSentBefore(cutoff);
    if (removed > 0) this.logger.log(`purged ${removed} sent outbox rows`);
  }

  private relayBatch(): Promise<number> {
    // Rows for jobs this version cannot run (a newer producer, a consumer not deployed yet) wait
    // in the outbox instead of failing on a queue.
    return this.outbox.withUnsentBatch(BATCH_SIZE, this.registry.keys(), async (rows, manager) => {
      const sent: string[] = [];
      for (const row of rows) {
        try {
          await this.jobs.add(row.queue as QueueName, row.name, row.payload, { jobId: row.id });
          sent.push(row.id);
        } catch (error) {
          // Redis is down or refused the job: leave the row for the next tick.
          await this.outbox.recordFailure(manager, row.id, (error as Error).message);
          break;
        }
      }
      await this.outbox.markSent(manager, sent);
      return sent.length;
    });
  }

  private tick(): void {
    if (this.stopped) return;
    this.current = this.relayPending().catch((error: Error) => {
      this.logger.warn(`outbox relay failed: ${error.message}`);
      return 0;
    });
    void this.current.finally(() => {
      if (this.stopped) return;
      this.timer = setTimeout(() => this.tick(), this.cfg.outboxPollIntervalMs);
      this.timer.unref();
    });
  }
}
