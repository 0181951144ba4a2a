import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { XapiStatementRow } from './entities/xapi-statement.entity';
import type { ActivityFacts } from './xapi-statements';

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

  /**
   * What a quiz or assignment event does not carry but its statement states: the activity's
   * course (the statement's parent) and an assignment's maximum points (the score's max). One
   * read by primary key; nothing for other events or activities that are gone.
   */
  async activityFacts(quizId?: string, assignmentId?: string): Promise<ActivityFacts> {
    if (quizId) {
      const [row] = await this.rows.query<Array<{ course_id: string }>>(
        'SELECT course_id FROM quizzes WHERE id = $1',
        [quizId],
      );
      return { courseId: row?.course_id };
    }
    if (assignmentId) {
      const [row] = await this.rows.query<Array<{ course_id: string; max_points: number }>>(
        'SELECT course_id, max_points FROM assignments WHERE id = $1',
        [assignmentId],
      );
      return { courseId: row?.course_id, maxScore: row?.max_points };
    }
    return {};
  }

  findById(id: string): Promise<XapiStatementRow | null> {
    return this.rows.findOneBy({ id });
  }
}
