import { SetMetadata } from '@nestjs/common';
import { QueueName } from './queue.constants';

export const JOB_HANDLER_KEY = 'jobs:handler';

export interface JobHandlerMetadata {
  queue: QueueName;
  name: string;
}

/**
 * Marks a provider method as the handler of one job. Handlers receive the job's data, must be
 * idempotent (jobs are retried) and throw to ask for a retry.
 */
export const JobHandler = (queue: QueueName, name: string): MethodDecorator =>
  SetMetadata(JOB_HANDLER_KEY, { queue, name } satisfies JobHandlerMetadata);
