import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { JobHandlerRegistry } from './job-handler.registry';
import { JobQueue } from './job-queue';

/**
 * Registers the periodic jobs (`@JobHandler(queue, name, { everyMs })`). With BullMQ these are job
 * schedulers, upserted idempotently by every process; inline, they are timers of this process.
 */
@Injectable()
export class JobScheduler implements OnApplicationBootstrap {
  constructor(
    private readonly registry: JobHandlerRegistry,
    private readonly jobs: JobQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const { queue, name, everyMs } of this.registry.scheduled()) {
      if (everyMs) await this.jobs.schedule(queue, name, everyMs);
    }
  }
}
