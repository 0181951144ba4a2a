import { Injectable } from '@nestjs/common';
import type { OutboxJob } from '../outbox/outbox.service';
import { JobHandler } from '../queue/job-handler.decorator';
import { JOBS, QUEUES } from '../queue/queue.constants';
import { StorageBackend } from './storage.backend';

/**
 * The job that deletes stored objects until every one is gone. Written to the outbox in the
 * transaction that deletes their rows, so a deletion that fails after the commit (storage down
 * for a while) is retried by the queue instead of being forgotten. Its payload is storage keys
 * only: generated names, nothing about the people the objects belonged to.
 */
export function storedObjectDeletionJob(keys: string[]): OutboxJob {
  return { queue: QUEUES.MAINTENANCE, name: JOBS.DELETE_STORED_OBJECTS, payload: { keys } };
}

@Injectable()
export class StoredObjectDeletions {
  constructor(private readonly storage: StorageBackend) {}

  /** Deletes every key (a missing object is not an error); throws, for a retry, if some failed. */
  @JobHandler(QUEUES.MAINTENANCE, JOBS.DELETE_STORED_OBJECTS)
  async deleteAll({ keys }: { keys: string[] }): Promise<void> {
    const outcomes = await Promise.allSettled(keys.map((key) => this.storage.delete(key)));
    const failed = outcomes.filter((outcome) => outcome.status === 'rejected').length;
    if (failed > 0) {
      throw new Error(`${failed} of ${keys.length} stored object(s) not deleted yet`);
    }
  }
}
