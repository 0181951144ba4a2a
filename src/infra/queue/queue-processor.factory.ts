import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Type } from '@nestjs/common';
import { Job } from 'bullmq';
import { JobHandlerRegistry } from './job-handler.registry';
import { QueueName } from './queue.constants';

const CONCURRENCY: Record<QueueName, number> = {
  email: 5,
  certificates: 2,
  webhooks: 10,
  maintenance: 1,
  // One import at a time per worker: its batches are heavy writes.
  imports: 1,
};

/**
 * One BullMQ worker per queue, each a thin adapter onto the handler registry. Only the worker
 * process provides these classes, so the API never consumes jobs.
 */
export function createQueueProcessor(queue: QueueName): Type<WorkerHost> {
  @Processor(queue, { concurrency: CONCURRENCY[queue] })
  class QueueProcessor extends WorkerHost {
    constructor(private readonly registry: JobHandlerRegistry) {
      super();
    }

    process(job: Job): Promise<unknown> {
      return this.registry.dispatch(queue, job.name, job.data);
    }
  }
  Object.defineProperty(QueueProcessor, 'name', { value: `${queue}QueueProcessor` });
  return QueueProcessor;
}
