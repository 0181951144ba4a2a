import { QueueName } from './queue.constants';

export interface EnqueueOptions {
  /** Idempotency key: a second job with the same id is ignored while the first is kept. */
  jobId?: string;
  delayMs?: number;
  attempts?: number;
  backoffMs?: number;
}

export interface QueueDepth {
  queue: QueueName;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/**
 * The port producers use. BullMQ on Redis in production; the inline runner (same handlers, in the
 * API process) without REDIS_URL.
 */
export abstract class JobQueue {
  abstract add(
    queue: QueueName,
    name: string,
    data: unknown,
    options?: EnqueueOptions,
  ): Promise<void>;
  /** Runs `name` on `queue` every `everyMs`, once across all processes. */
  abstract schedule(queue: QueueName, name: string, everyMs: number): Promise<void>;
  abstract depths(): Promise<QueueDepth[]>;
}
