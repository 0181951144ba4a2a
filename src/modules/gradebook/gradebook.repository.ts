import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { QuizAggregate, SubmissionAggregate } from './gradebook-rules';

export interface GradebookItemRow {
  id: string;
  type: 'quiz' | 'assignment' | 'lti';
  title: string;
  maxPoints: number;
  dueAt: Date | null;
}

export interface GradebookStudentRow {
  studentId: string;
  fullName: string;
  email: string;
}

export interface GradeAggregates {
  quizzes: Map<string, QuizAggregate>;
  submissions: Map<string, SubmissionAggregate & { feedback: string | null }>;
}

/** Key of one (item, student) cell in the aggregate maps. */
export const cellKey = (itemId: string, studentId: string): string => `${itemId}:${studentId}`;

/**
 * Read-only SQL over the quiz and assignment tables (raw statements: this module owns no
 * entity). Every method is one statement whatever the number of students or items, so a page
 * costs a constant number of round trips.
 */
@Injectable()
export class GradebookRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Published quizzes and assignments, and LTI line items, oldest first. A quiz's maxPoints is the sum of its
   * questions' points or, with a draw, of the `count` highest-scoring questions of each drawn
   * pool (what a drawn attempt can reach; equal to count x points when a pool's points agree).
   */
  findItems(courseId: string): Promise<GradebookItemRow[]> {
    return this.dataSource.query<GradebookItemRow[]>(
      `SELECT id, type, title, "maxPoints", "dueAt" FROM (
         SELECT q.id, 'quiz' AS type, q.title, NULL::timestamptz AS "dueAt", q.created_at,
                CASE WHEN q.draw IS NULL
                  THEN (SELECT coalesce(sum(qq.points), 0) FROM questions qq WHERE qq.quiz_id = q.id)
                  ELSE (SELECT coalesce(sum(ranked.points), 0) FROM (
                          SELECT qq.points, (d.entry->>'count')::int AS count,
                                 row_number() OVER (PARTITION BY d.ord ORDER BY qq.points DESC, qq.id) AS rn
                            FROM jsonb_array_elements(q.draw) WITH ORDINALITY AS d(entry, ord)
                            JOIN questions qq ON qq.quiz_id = q.id AND qq.pool = d.entry->>'pool'
                        ) ranked WHERE ranked.rn <= ranked.count)
                END::int AS "maxPoints"
           FROM quizzes q WHERE q.course_id = $1 AND q.is_published
         UNION ALL
         SELECT a.id, 'assignment', a.title, a.due_at, a.created_at, a.max_points
           FROM assignments a WHERE a.course_id = $1 AND a.is_published
         UNION ALL
         SELECT li.id, 'lti', li.label, NULL, li.created_at, li.score_maximum::float8
           FROM lti_line_items li WHERE li.course_id = $1
       ) items ORDER BY created_at, id`,
      [courseId],
    );
  }

  countStudents(courseId: string): Promise<number> {
    return this.dataSource
      .query<Array<{ total: number }>>(
        `SELECT count(*)::int AS total FROM enrollments WHERE course_id = $1 AND status <> 'dropped'`,
        [courseId],
      )
      .then(([row]) => row.total);
  }

  /** Enrolled students by fullName (then id), by offset for pages. */
  findStudentsPage(
    courseId: string,
    offset: number,
    limit: number,
  ): Promise<GradebookStudentRow[]> {
    return this.dataSource.query<GradebookStudentRow[]>(
      `SELECT u.id AS "studentId", u.full_name AS "fullName", u.email
         FROM enrollments e JOIN users u ON u.id = e.student_id
        WHERE e.course_id = $1 AND e.status <> 'dropped'
        ORDER BY u.full_name, u.id LIMIT $2 OFFSET $3`,
      [courseId, limit, offset],
    );
  }

  /** Enrolled students after (fullName, id), for the streamed CSV (keyset: no deep OFFSET). */
  findStudentsAfter(
    courseId: string,
    after: GradebookStudentRow | null,
    limit: number,
  ): Promise<GradebookStudentRow[]> {
    return this.dataSource.query<GradebookStudentRow[]>(
      `SELECT u.id AS "studentId", u.full_name AS "fullName", u.email
         FROM enrollments e JOIN users u ON u.id = e.student_id
        WHERE e.course_id = $1 AND e.status <> 'dropped'
          AND ($2::text IS NULL OR (u.full_name, u.id) > ($2::text, $3::uuid))
        ORDER BY u.full_name, u.id LIMIT $4`,
      [courseId, after?.fullName ?? null, after?.studentId ?? null, limit],
    );
  }

  /** One enrolled student (my-grades). */
  async findStudent(courseId: string, studentId: string): Promise<GradebookStudentRow | null> {
    const [row] = await this.dataSource.query<GradebookStudentRow[]>(
      `SELECT u.id AS "studentId", u.full_name AS "fullName", u.email
         FROM enrollments e JOIN users u ON u.id = e.student_id
        WHERE e.course_id = $1 AND e.student_id = $2 AND e.status <> 'dropped'`,
      [courseId, studentId],
    );
    return row ?? null;
  }

  /**
   * Two aggregate statements for all (item, student) cells of a page: per quiz and student the
   * best final score of finished attempts and whether one awaits essay grading (and, in the same
   * statement and shape, per LTI line item the latest FullyGraded score scaled to the line item's
   * scoreMaximum, pending while the tool grades); per assignment
   * and student the latest version's status and the latest graded version's finalScore and
   * feedback. Both run even when a course has no item of one type, so that the count of
   * statements stays the same for every page.
   */
  async aggregates(
    quizIds: string[],
    assignmentIds: string[],
    studentIds: string[],
    ltiIds: string[] = [],
  ): Promise<GradeAggregates> {
    const quizzes = new Map<string, QuizAggregate>();
    const submissions = new Map<string, SubmissionAggregate & { feedback: string | null }>();
    if (studentIds.length === 0) return { quizzes, submissions };
    const [quizRows, submissionRows] = await Promise.all([
      this.dataSource.query<
        Array<{ itemId: string; studentId: string; best: number | null; pending: boolean }>
      >(
        `SELECT quiz_id AS "itemId", student_id AS "studentId",
                    max(score) FILTER (WHERE grading_status <> 'pending') AS best,
                    bool_or(grading_status = 'pending') AS pending
               FROM quiz_attempts
              WHERE quiz_id = ANY($1::uuid[]) AND student_id = ANY($2::uuid[])
                AND status <> 'in_progress'
              GROUP BY quiz_id, student_id
             UNION ALL
             SELECT s.line_item_id, s.user_id,
                    CASE WHEN s.grading_progress = 'FullyGraded' AND s.score_given IS NOT NULL
                      THEN round(s.score_given / s.score_maximum * li.score_maximum, 2) END,
                    s.grading_progress IN ('Pending', 'PendingManual')
               FROM lti_scores s JOIN lti_line_items li ON li.id = s.line_item_id
              WHERE s.line_item_id = ANY($3::uuid[]) AND s.user_id = ANY($2::uuid[])`,
        [quizIds, studentIds, ltiIds],
      ),
      this.dataSource.query<
        Array<{
          itemId: string;
          studentId: string;
          latestStatus: 'submitted' | 'graded';
          score: string | null;
          feedback: string | null;
        }>
      >(
        `SELECT assignment_id AS "itemId", student_id AS "studentId",
                    (array_agg(status ORDER BY version DESC))[1] AS "latestStatus",
                    (array_agg(final_score ORDER BY version DESC) FILTER (WHERE status = 'graded'))[1] AS score,
                    (array_agg(feedback ORDER BY version DESC) FILTER (WHERE status = 'graded'))[1] AS feedback
               FROM submissions
              WHERE assignment_id = ANY($1::uuid[]) AND student_id = ANY($2::uuid[])
              GROUP BY assignment_id, student_id`,
        [assignmentIds, studentIds],
      ),
    ]);
    for (const row of quizRows) {
      quizzes.set(cellKey(row.itemId, row.studentId), {
        bestFinalScore: row.best === null ? null : Number(row.best),
        pending: row.pending,
      });
    }
    for (const row of submissionRows) {
      submissions.set(cellKey(row.itemId, row.studentId), {
        latestStatus: row.latestStatus,
        latestGradedScore: row.score === null ? null : Number(row.score),
        feedback: row.feedback,
      });
    }
    return { quizzes, submissions };
  }
}
