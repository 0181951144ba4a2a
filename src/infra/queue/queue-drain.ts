import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import type { WorkerHost } from '@nestjs/bullmq';

/**
 * Closes the BullMQ workers first on shutdown, before the database and Redis clients go: a
 * worker's close() waits for its active jobs, and those jobs still need both.
 */
export class QueueDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger('QueueDrain');

  constructor(private readonly hosts: WorkerHost[]) {}

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.hosts.map(async (host) => {
        try {
          await host.worker.close();
        } catch (error) {
          this.logger.warn(`closing a worker failed: ${(error as Error).message}`);
        }
      }),
    );
  }
}
