import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { NotificationRow } from './dto/notification.response';
import type { NotificationResource, NotificationType } from './entities/notification.entity';

/** A notification to write: who, what, and the key that makes it happen once per recipient. */
export interface NewNotification {
  userId: string;
  type: NotificationType;
  title: string;
  body: string;
  resourceType: NotificationResource;
  resourceId: string;
  dedupeKey: string;
}

/** The same notification for many recipients (fan-out), without the recipient. */
export type NotificationTemplate = Omit<NewNotification, 'userId'>;

const RETURNING = `RETURNING id, user_id AS "userId", type, title, body,
  resource_type AS "resourceType", resource_id AS "resourceId", created_at AS "createdAt",
  read_at AS "readAt"`;

/** Students who count as enrolled (a dropped enrollment, if any, is left out). */
const ENROLLED = `e.status IN ('active', 'completed')`;

/**
 * Notifications of their recipients. Every insert is `ON CONFLICT (user_id, dedupe_key) DO
 * NOTHING ... RETURNING`: only the rows this call created come back (and are streamed), so a
 * redelivered event or two workers running the same job create each notification once. The
 * fan-outs read enrollments, assignments and submissions in the same statement (set-based, one
 * statement for any number of recipients), as the gradebook and analytics read other tables.
 */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  insert(rows: NewNotification[]): Promise<NotificationRow[]> {
    if (rows.length === 0) return Promise.resolve([]);
    return this.db.query<NotificationRow[]>(
      `INSERT INTO notifications (user_id, type, title, body, resource_type, resource_id, dedupe_key)
       SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::text[], $5::varchar[],
                            $6::uuid[], $7::varchar[])
       ON CONFLICT (user_id, dedupe_key) DO NOTHING
       ${RETURNING}`,
      [
        rows.map((row) => row.userId),
        rows.map((row) => row.type),
        rows.map((row) => row.title),
        rows.map((row) => row.body),
        rows.map((row) => row.resourceType),
        rows.map((row) => row.resourceId),
        rows.map((row) => row.dedupeKey),
      ],
    );
  }

  /** `template` for every enrolled student of the course. */
  insertForEnrolled(courseId: string, template: NotificationTemplate): Promise<NotificationRow[]> {
    return this.db.query<NotificationRow[]>(
      `INSERT INTO notifications (user_id, type, title, body, resource_type, resource_id, dedupe_key)
       SELECT e.student_id, $2, $3, $4, $5, $6, $7
         FROM enrollments e
        WHERE e.course_id = $1 AND ${ENROLLED}
       ON CONFLICT (user_id, dedupe_key) DO NOTHING
       ${RETURNING}`,
      [
        courseId,
        template.type,
        template.title,
        template.body,
        template.resourceType,
        template.resourceId,
        template.dedupeKey,
      ],
    );
  }

  /**
   * `assignment.due_soon` for every enrolled student without a submission to each published
   * assignment due in (now, now + 24 h]; once per student and assignment whatever the number of
   * runs (the dedupe key is the assignment).
   */
  insertDueSoon(now: Date): Promise<NotificationRow[]> {
    return this.db.query<NotificationRow[]>(
      `INSERT INTO notifications (user_id, type, title, body, resource_type, resource_id, dedupe_key)
       SELECT e.student_id, 'assignment.due_soon', 'Due soon: ' || a.title,
              'Due ' || to_char(a.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC',
              'assignment', a.id, 'assignment.due_soon:' || a.id
         FROM assignments a
         JOIN courses c ON c.id = a.course_id AND c.is_published
         JOIN enrollments e ON e.course_id = a.course_id AND ${ENROLLED}
        WHERE a.is_published
          AND a.due_at > $1 AND a.due_at <= $1 + interval '24 hours'
          AND NOT EXISTS (SELECT 1 FROM submissions s
                           WHERE s.assignment_id = a.id AND s.student_id = e.student_id)
       ON CONFLICT (user_id, dedupe_key) DO NOTHING
       ${RETURNING}`,
      [now],
    );
  }

  /** Newest first; `unread` true: unread only, false: read only. Two statements. */
  async page(
    userId: string,
    unread: boolean | undefined,
    offset: number,
    limit: number,
  ): Promise<[NotificationRow[], number]> {
    const filter =
      unread === undefined ? '' : unread ? 'AND read_at IS NULL' : 'AND read_at IS NOT NULL';
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<NotificationRow[]>(
        `SELECT id, user_id AS "userId", type, title, body, resource_type AS "resourceType",
                resource_id AS "resourceId", created_at AS "createdAt", read_at AS "readAt"
           FROM notifications WHERE user_id = $1 ${filter}
          ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
        [userId, limit, offset],
      ),
      this.db.query<Array<{ total: number }>>(
        `SELECT count(*)::int AS total FROM notifications WHERE user_id = $1 ${filter}`,
        [userId],
      ),
    ]);
    return [rows, total];
  }

  /** Marks one of the user's notifications read (keeps the first readAt); null when not theirs. */
  async markRead(id: string, userId: string, now: Date): Promise<NotificationRow | null> {
    const [rows] = await this.db.query<[NotificationRow[], number]>(
      `UPDATE notifications SET read_at = coalesce(read_at, $3)
        WHERE id = $1 AND user_id = $2
       ${RETURNING}`,
      [id, userId, now],
    );
    return rows[0] ?? null;
  }

  async markAllRead(userId: string, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL`,
      [userId, now],
    );
  }

  /** The personal-data export: every notification of the user, oldest first. */
  allOf(userId: string): Promise<NotificationRow[]> {
    return this.db.query<NotificationRow[]>(
      `SELECT id, user_id AS "userId", type, title, body, resource_type AS "resourceType",
              resource_id AS "resourceId", created_at AS "createdAt", read_at AS "readAt"
         FROM notifications WHERE user_id = $1
        ORDER BY created_at, id`,
      [userId],
    );
  }

  /**
   * Erasure: the user's inbox goes, and the instructors' notifications of their submissions no
   * longer name them ("A student submitted version 2.").
   */
  async eraseUser(manager: EntityManager, userId: string): Promise<void> {
    await manager.query('DELETE FROM notifications WHERE user_id = $1', [userId]);
    await manager.query(
      `UPDATE notifications n
          SET body = 'A student' || substring(n.body from position(' submitted version ' in n.body))
        WHERE n.type = 'assignment.submitted' AND n.resource_type = 'submission'
          AND position(' submitted version ' in n.body) > 0
          AND n.resource_id IN (SELECT s.id FROM submissions s WHERE s.student_id = $1)`,
      [userId],
    );
  }
}
