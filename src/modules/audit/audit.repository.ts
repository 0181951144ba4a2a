import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditEvent } from './entities/audit-event.entity';

export interface AuditFilter {
  actorId?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  from?: Date;
  to?: Date;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  async insert(manager: EntityManager, row: Omit<AuditEvent, 'id' | 'occurredAt'>): Promise<void> {
    // jsonb: stored as given (TypeORM's deep-partial type does not fit free-form objects).
    await manager.getRepository(AuditEvent).insert({ ...row, changes: row.changes as object });
  }

  /** Several rows in one multi-row INSERT. */
  async insertMany(
    manager: EntityManager,
    rows: Array<Omit<AuditEvent, 'id' | 'occurredAt'>>,
  ): Promise<void> {
    // jsonb: stored as given, as in `insert`.
    const values = rows.map((row): QueryDeepPartialEntity<AuditEvent> => ({
      ...row,
      changes: row.changes as object,
    }));
    await manager.getRepository(AuditEvent).insert(values);
  }

  /** One page, newest first, and the total: two statements whatever the page. */
  findPage(filter: AuditFilter, offset: number, limit: number): Promise<[AuditEvent[], number]> {
    const query = this.events.createQueryBuilder('e');
    if (filter.actorId) query.andWhere('e.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.action) query.andWhere('e.action = :action', { action: filter.action });
    if (filter.resourceType) {
      query.andWhere('e.resource_type = :resourceType', { resourceType: filter.resourceType });
    }
    if (filter.resourceId) {
      query.andWhere('e.resource_id = :resourceId', { resourceId: filter.resourceId });
    }
    if (filter.from) query.andWhere('e.occurred_at >= :from', { from: filter.from });
    if (filter.to) query.andWhere('e.occurred_at <= :to', { to: filter.to });
    return query
      .orderBy('e.occurred_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .offset(offset)
      .limit(limit)
      .getManyAndCount();
  }

  /** The user's own actions, oldest first. */
  findByActor(actorId: string): Promise<AuditEvent[]> {
    return this.events.find({ where: { actorId }, order: { occurredAt: 'ASC', id: 'ASC' } });
  }

  /**
   * Erasure of a user's personal data in the log (the only UPDATE the table's trigger lets
   * through, and only with `lms.audit_erasure` set in this transaction): the IP of their own
   * actions, and the email and name recorded about their account.
   */
  async erasePersonalData(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`SET LOCAL lms.audit_erasure = 'on'`);
    await manager.query(
      `UPDATE audit_events SET ip = NULL WHERE actor_id = $1 AND ip IS NOT NULL`,
      [userId],
    );
    await manager.query(
      `UPDATE audit_events SET changes = changes - 'email' - 'fullName'
        WHERE resource_type = 'user' AND resource_id = $1
          AND (changes ? 'email' OR changes ? 'fullName')`,
      [userId],
    );
    await manager.query(`SET LOCAL lms.audit_erasure = 'off'`);
  }
}
