import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface LineItemRow {
  id: string;
  courseId: string;
  toolId: string;
  lessonId: string | null;
  label: string;
  scoreMaximum: number;
  resourceId: string | null;
  tag: string | null;
}

export interface LineItemFilter {
  lessonId?: string;
  resourceId?: string;
  tag?: string;
}

export interface ScoreRow {
  lineItemId: string;
  userId: string;
  scoreGiven: number | null;
  scoreMaximum: number | null;
  activityProgress: string;
  gradingProgress: string;
  comment: string | null;
  timestamp: Date;
}

const COLUMNS = `id, course_id AS "courseId", tool_id AS "toolId", lesson_id AS "lessonId", label,
  score_maximum::float8 AS "scoreMaximum", resource_id AS "resourceId", tag`;

/** Line items and scores (raw SQL: narrow statements, one per call). */
@Injectable()
export class AgsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Whether the course has an lti lesson launching this tool (the tool is deployed there). */
  async toolDeployedIn(toolId: string, courseId: string): Promise<boolean> {
    const [row] = await this.dataSource.query<Array<{ deployed: boolean }>>(
      `SELECT EXISTS (SELECT 1 FROM lessons WHERE lti_tool_id = $1 AND course_id = $2) AS deployed`,
      [toolId, courseId],
    );
    return row.deployed;
  }

  /** The lesson's default line item, created at its first launch (concurrent launches: one). */
  async ensureDefault(lesson: {
    id: string;
    courseId: string;
    toolId: string;
    label: string;
  }): Promise<string> {
    await this.dataSource.query(
      `INSERT INTO lti_line_items (course_id, tool_id, lesson_id, is_default, label, score_maximum)
       VALUES ($1, $2, $3, true, $4, 100)
       ON CONFLICT (lesson_id, tool_id) WHERE is_default DO NOTHING`,
      [lesson.courseId, lesson.toolId, lesson.id, lesson.label],
    );
    const [row] = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM lti_line_items WHERE lesson_id = $1 AND tool_id = $2 AND is_default`,
      [lesson.id, lesson.toolId],
    );
    return row.id;
  }

  async insert(item: Omit<LineItemRow, 'id'>): Promise<LineItemRow> {
    const [row] = await this.dataSource.query<LineItemRow[]>(
      `INSERT INTO lti_line_items (course_id, tool_id, lesson_id, label, score_maximum, resource_id, tag)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [
        item.courseId,
        item.toolId,
        item.lessonId,
        item.label,
        item.scoreMaximum,
        item.resourceId,
        item.tag,
      ],
    );
    return row;
  }

  async findById(id: string): Promise<LineItemRow | null> {
    const [row] = await this.dataSource.query<LineItemRow[]>(
      `SELECT ${COLUMNS} FROM lti_line_items WHERE id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** One page of a tool's line items in a course, oldest first, plus one to tell if more follow. */
  findPage(
    courseId: string,
    toolId: string,
    filter: LineItemFilter,
    offset: number,
    limit: number,
  ): Promise<LineItemRow[]> {
    return this.dataSource.query<LineItemRow[]>(
      `SELECT ${COLUMNS} FROM lti_line_items
        WHERE course_id = $1 AND tool_id = $2
          AND ($3::uuid IS NULL OR lesson_id = $3)
          AND ($4::text IS NULL OR resource_id = $4)
          AND ($5::text IS NULL OR tag = $5)
        ORDER BY created_at, id LIMIT $6 OFFSET $7`,
      [
        courseId,
        toolId,
        filter.lessonId ?? null,
        filter.resourceId ?? null,
        filter.tag ?? null,
        limit,
        offset,
      ],
    );
  }

  /**
   * Keeps the latest score per line item and student: a score older than the one on record
   * changes nothing. True when this one was written.
   */
  async upsertScore(manager: EntityManager, score: ScoreRow): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO lti_scores (line_item_id, user_id, score_given, score_maximum, activity_progress,
                               grading_progress, comment, "timestamp")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (line_item_id, user_id) DO UPDATE SET
         score_given = excluded.score_given, score_maximum = excluded.score_maximum,
         activity_progress = excluded.activity_progress,
         grading_progress = excluded.grading_progress, comment = excluded.comment,
         "timestamp" = excluded."timestamp", updated_at = now()
       WHERE lti_scores."timestamp" <= excluded."timestamp"
       RETURNING 1`,
      [
        score.lineItemId,
        score.userId,
        score.scoreGiven,
        score.scoreMaximum,
        score.activityProgress,
        score.gradingProgress,
        score.comment,
        score.timestamp,
      ],
    );
    return rows.length === 1;
  }
}
