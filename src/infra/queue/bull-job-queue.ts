import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { EnqueueOptions, JobQueue, QueueDepth } from './job-queue';
import { QueueName } from './queue.constants';

/** Producers' side of BullMQ: the API enqueues here, the worker process consumes. */
@Injectable()
export class BullJobQueue extends JobQueue {
  constructor(private readonly queues: ReadonlyMap<QueueName, Queue>) {
    super();
  }

  async add(
    queue: QueueName,
    name: string,
    data: unknown,
    options: EnqueueOptions = {},
  ): Promise<void> {
    await this.queue(queue).add(name, data, {
      jobId: options.jobId,
      delay: options.delayMs,
      ...(options.attempts ? { attempts: options.attempts } : {}),
      ...(options.backoffMs ? { backoff: { type: 'exponential', delay: options.backoffMs } } : {}),
    });
  }

  async schedule(queue: QueueName, name: string, everyMs: number): Promise<void> {
    await this.queue(queue).upsertJobScheduler(name, { every: everyMs }, { name, data: {} });
  }

  async depths(): Promise<QueueDepth[]> {
    return Promise.all(
      [...this.queues].map(async ([queue, q]) => {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
        return {
          queue,
          waiting: counts.waiting ?? 0,
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          failed: counts.failed ?? 0,
        };
      }),
    );
  }

  private queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`unknown queue ${name}`);
    return queue;
  }
}
