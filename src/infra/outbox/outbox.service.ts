import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { QueueName } from '../queue/queue.constants';
import { OutboxMessage } from './outbox-message.entity';

export interface OutboxJob {
  queue: QueueName;
  name: string;
  payload: object;
}

/** Producers call this inside their own transaction (pass its EntityManager). */
@Injectable()
export class OutboxService {
  async add(manager: EntityManager, ...jobs: OutboxJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await manager.insert(
      OutboxMessage,
      jobs.map((job) => ({ queue: job.queue, name: job.name, payload: job.payload })),
    );
  }
}
