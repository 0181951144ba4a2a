import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { EnqueueOptions, JobQueue, QueueDepth } from './job-queue';
import { JobHandlerRegistry } from './job-handler.registry';
import {
  ALL_QUEUES,
  DEFAULT_JOB_ATTEMPTS,
  DEFAULT_JOB_BACKOFF_MS,
  QueueName,
} from './queue.constants';

/**
 * Runs jobs in this process, with the same handlers, retries and backoff as the BullMQ worker.
 * For the embedded default and tests only: production refuses JOBS_INLINE. Jobs still queued when
 * the process stops are lost, but the outbox rows that produced them are only marked sent once
 * queued, so nothing written through the outbox is lost before that point.
 */
@Injectable()
export class InlineJobQueue extends JobQueue implements BeforeApplicationShutdown {
  private readonly logger = new Logger('InlineJobs');
  private readonly running = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly recentIds = new Set<string>();
  private readonly counts = new Map<
    QueueName,
    { active: number; delayed: number; failed: number }
  >();
  private closed = false;

  constructor(private readonly registry: JobHandlerRegistry) {
    super();
  }

  async add(
    queue: QueueName,
    name: string,
    data: unknown,
    options: EnqueueOptions = {},
  ): Promise<void> {
    if (options.jobId) {
      if (this.recentIds.has(options.jobId)) return;
      this.remember(options.jobId);
    }
    this.later(options.delayMs ?? 0, queue, () => this.run(queue, name, data, options, 1));
  }

  async schedule(queue: QueueName, name: string, everyMs: number): Promise<void> {
    const timer = setInterval(
      () => this.track(this.run(queue, name, {}, { attempts: 1 }, 1)),
      everyMs,
    );
    timer.unref();
    this.timers.add(timer);
  }

  async depths(): Promise<QueueDepth[]> {
    return ALL_QUEUES.map((queue) => ({ queue, waiting: 0, ...this.countsOf(queue) }));
  }

  /** Before the database and Redis close: running jobs still need them. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  private async run(
    queue: QueueName,
    name: string,
    data: unknown,
    options: EnqueueOptions,
    attempt: number,
  ): Promise<void> {
    if (this.closed) return;
    const counts = this.countsOf(queue);
    counts.active += 1;
    try {
      await this.registry.dispatch(queue, name, data);
    } catch {
      const attempts = options.attempts ?? DEFAULT_JOB_ATTEMPTS;
      if (attempt < attempts) {
        const delay = (options.backoffMs ?? DEFAULT_JOB_BACKOFF_MS) * 2 ** (attempt - 1);
        this.later(delay, queue, () => this.run(queue, name, data, options, attempt + 1));
      } else {
        counts.failed += 1;
        this.logger.error(`job ${queue}:${name} failed after ${attempt} attempts`);
      }
    } finally {
      counts.active -= 1;
    }
  }

  private later(delayMs: number, queue: QueueName, task: () => Promise<void>): void {
    if (this.closed) return;
    const counts = this.countsOf(queue);
    counts.delayed += 1;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      counts.delayed -= 1;
      this.track(task());
    }, delayMs);
    this.timers.add(timer);
  }

  private track(promise: Promise<void>): void {
    this.running.add(promise);
    void promise.finally(() => this.running.delete(promise));
  }

  private countsOf(queue: QueueName): { active: number; delayed: number; failed: number } {
    let counts = this.counts.get(queue);
    if (!counts) {
      counts = { active: 0, delayed: 0, failed: 0 };
      this.counts.set(queue, counts);
    }
    return counts;
  }

  private remember(jobId: string): void {
    this.recentIds.add(jobId);
    if (this.recentIds.size > 10_000) {
      const oldest = this.recentIds.values().next().value;
      if (oldest !== undefined) this.recentIds.delete(oldest);
    }
  }
}
