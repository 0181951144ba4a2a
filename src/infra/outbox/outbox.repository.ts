import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { OutboxMessage } from './outbox-message.entity';

@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Runs `work` on a batch of unsent rows locked with SKIP LOCKED, so that several relays never
   * take the same row, inside one transaction.
   */
  withUnsentBatch<T>(
    limit: number,
    jobKeys: string[],
    work: (rows: OutboxMessage[], manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager
        .createQueryBuilder(OutboxMessage, 'm')
        .where('m.sent_at IS NULL')
        .andWhere("m.queue || ':' || m.name IN (:...jobKeys)", {
          jobKeys: jobKeys.length ? jobKeys : [''],
        })
        .orderBy('m.created_at', 'ASC')
        .limit(limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      return work(rows, manager);
    });
  }

  async markSent(manager: EntityManager, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await manager
      .createQueryBuilder()
      .update(OutboxMessage)
      .set({ sentAt: () => 'now()' })
      .whereInIds(ids)
      .execute();
  }

  async recordFailure(manager: EntityManager, id: string, error: string): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(OutboxMessage)
      .set({ relayAttempts: () => 'relay_attempts + 1', lastError: error.slice(0, 500) })
      .whereInIds([id])
      .execute();
  }

  async deleteSentBefore(cutoff: Date): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(OutboxMessage)
      .where('sent_at IS NOT NULL AND sent_at < :cutoff', { cutoff })
      .execute();
    return result.affected ?? 0;
  }
}
