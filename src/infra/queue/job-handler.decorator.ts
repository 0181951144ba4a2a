import { SetMetadata } from '@nestjs/common';
import { QueueName } from './queue.constants';

export const JOB_HANDLER_KEY = 'jobs:handler';

export interface JobHandlerMetadata {
  queue: QueueName;
  name: string;
  /** Also run it on this period (maintenance jobs), once across all processes. */
  everyMs?: number;
}

/**
 * Marks a provider method as the handler of one job. Handlers receive the job's data, must be
 * idempotent (jobs are retried) and throw to ask for a retry.
 */
export const JobHandler = (
  queue: QueueName,
  name: string,
  options: { everyMs?: number } = {},
): MethodDecorator =>
  SetMetadata(JOB_HANDLER_KEY, { queue, name, ...options } satisfies JobHandlerMetadata);
