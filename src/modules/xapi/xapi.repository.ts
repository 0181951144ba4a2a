import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { XapiStatementRow } from './entities/xapi-statement.entity';

@Injectable()
export class XapiRepository {
  constructor(
    @InjectRepository(XapiStatementRow) private readonly rows: Repository<XapiStatementRow>,
  ) {}

  /** One row per statement id: an event handled twice queues nothing new. True when inserted. */
  async insertIfAbsent(
    manager: EntityManager,
    row: Pick<XapiStatementRow, 'id' | 'eventId' | 'eventType' | 'statement'>,
  ): Promise<boolean> {
    const inserted = await manager.query<Array<{ id: string }>>(
      `INSERT INTO xapi_statements (id, event_id, event_type, statement, next_attempt_at)
       VALUES ($1, $2, $3, $4::jsonb, now())
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [row.id, row.eventId, row.eventType, JSON.stringify(row.statement)],
    );
    return inserted.length > 0;
  }

  findById(id: string): Promise<XapiStatementRow | null> {
    return this.rows.findOneBy({ id });
  }
}
