import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { completesSql, progressSql } from './progress';
import { Enrollment, EnrollmentStatus } from './entities/enrollment.entity';
import { LessonProgress } from './entities/lesson-progress.entity';

/** An enrollments row as the driver returns it (RETURNING *). */
interface EnrollmentRow {
  id: string;
  student_id: string;
  course_id: string;
  status: EnrollmentStatus;
  enrolled_at: Date;
  completed_at: Date | null;
  progress_percentage: string;
  completed_lessons: number;
  created_at: Date;
  updated_at: Date;
}

/** The entity of a raw row (the driver gives Dates, numbers and the numeric as a string). */
function fromRow(row: EnrollmentRow): Enrollment {
  return Object.assign(new Enrollment(), {
    id: row.id,
    studentId: row.student_id,
    courseId: row.course_id,
    status: row.status,
    enrolledAt: row.enrolled_at,
    completedAt: row.completed_at,
    progressPercentage: row.progress_percentage,
    completedLessons: row.completed_lessons,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

/** A lesson newly completed: the enrollment as written, with what its event shows. */
export interface LessonRecorded {
  enrollment: Enrollment;
  totalLessons: number;
  certificateId: string | null;
}

@Injectable()
export class EnrollmentsRepository {
  constructor(
    @InjectRepository(Enrollment) private readonly enrollments: Repository<Enrollment>,
    @InjectRepository(LessonProgress) private readonly progress: Repository<LessonProgress>,
  ) {}

  /**
   * Inserts unless the pair exists (the unique index decides, so concurrent requests create exactly
   * one). Returns the new row's id, or null when the student was already enrolled.
   */
  async insertIfAbsent(
    manager: EntityManager,
    studentId: string,
    courseId: string,
  ): Promise<string | null> {
    const rows = await manager.query<Array<{ id: string }>>(
      `INSERT INTO enrollments (student_id, course_id) VALUES ($1, $2)
       ON CONFLICT (student_id, course_id) DO NOTHING RETURNING id`,
      [studentId, courseId],
    );
    return rows[0]?.id ?? null;
  }

  /** Drops unless already dropped (one statement: parallel drops change it once); true if it did. */
  async markDropped(manager: EntityManager, id: string): Promise<boolean> {
    const [rows] = await manager.query<[unknown[], number]>(
      `UPDATE enrollments SET status = 'dropped', updated_at = now()
        WHERE id = $1 AND status <> 'dropped' RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  /**
   * Reactivates the student's dropped enrollment in the course, back to `completed` when it was
   * completed before, else `active`; progress was kept. True when it was dropped.
   */
  async reactivate(studentId: string, courseId: string): Promise<boolean> {
    const [rows] = await this.enrollments.query<[unknown[], number]>(
      `UPDATE enrollments
          SET status = CASE WHEN completed_at IS NULL THEN 'active' ELSE 'completed' END,
              updated_at = now()
        WHERE student_id = $1 AND course_id = $2 AND status = 'dropped' RETURNING id`,
      [studentId, courseId],
    );
    return rows.length > 0;
  }

  /**
   * Enrolls several students at once (set-based): new enrollments are inserted, dropped ones
   * reactivated. Returns the new rows; `reactivated` counts the others changed.
   */
  async insertMany(
    manager: EntityManager,
    courseId: string,
    studentIds: string[],
  ): Promise<{ created: Enrollment[]; reactivated: number }> {
    // In id order: concurrent imports with overlapping students wait on each other's rows in
    // the same order, so they never deadlock.
    const created = await manager.query<Array<{ id: string }>>(
      `INSERT INTO enrollments (student_id, course_id)
       SELECT s, $2 FROM unnest($1::uuid[]) AS s ORDER BY s
       ON CONFLICT (student_id, course_id) DO NOTHING RETURNING id`,
      [studentIds, courseId],
    );
    const [, reactivated] = await manager.query<[unknown[], number]>(
      `UPDATE enrollments
          SET status = CASE WHEN completed_at IS NULL THEN 'active' ELSE 'completed' END,
              updated_at = now()
        WHERE course_id = $2 AND student_id = ANY($1::uuid[]) AND status = 'dropped'`,
      [studentIds, courseId],
    );
    const rows =
      created.length > 0
        ? await manager.getRepository(Enrollment).findBy({ id: In(created.map((r) => r.id)) })
        : [];
    return { created: rows, reactivated };
  }

  /** Plain SQL, mapped by hand: read by every quiz submit and lesson completion. */
  async findById(id: string, manager?: EntityManager): Promise<Enrollment | null> {
    const rows = await (manager ?? this.enrollments.manager).query<EnrollmentRow[]>(
      'SELECT * FROM enrollments WHERE id = $1',
      [id],
    );
    return rows.length > 0 ? fromRow(rows[0]) : null;
  }

  /** Plain SQL: read by every quiz start. */
  async findByStudentAndCourse(studentId: string, courseId: string): Promise<Enrollment | null> {
    const rows = await this.enrollments.query<EnrollmentRow[]>(
      'SELECT * FROM enrollments WHERE student_id = $1 AND course_id = $2',
      [studentId, courseId],
    );
    return rows.length > 0 ? fromRow(rows[0]) : null;
  }

  /**
   * Locks the enrollment for a completion, and its course's row with a shared lock taken FIRST (the
   * order of the locking clauses is the order PostgreSQL takes them): lesson additions and removals
   * lock the course row, then recount its enrollments, so holding the course before the enrollment
   * means neither misses the other's change and they never deadlock. Returns the enrollment and
   * its course's summary (one statement); null for an unknown enrollment.
   */
  async lockForCompletion(
    manager: EntityManager,
    id: string,
  ): Promise<{
    enrollment: Enrollment;
    course: { id: string; title: string; slug: string };
  } | null> {
    const rows = await manager.query<
      Array<EnrollmentRow & { course_title: string; course_slug: string }>
    >(
      `SELECT e.*, c.title AS course_title, c.slug AS course_slug
         FROM courses c JOIN enrollments e ON e.course_id = c.id
        WHERE e.id = $1
          FOR KEY SHARE OF c FOR UPDATE OF e`,
      [id],
    );
    if (rows.length === 0) return null;
    const [row] = rows;
    return {
      enrollment: fromRow(row),
      course: { id: row.course_id, title: row.course_title, slug: row.course_slug },
    };
  }

  /**
   * Records the lesson completed and the enrollment's progress in one statement: marks the lesson,
   * counts the enrollment's completed lessons and the course's lessons, and updates the enrollment
   * (progress while active; `completed` when the last lesson is done: progress.ts). Null when the
   * lesson was already completed (nothing changes). Call it holding the enrollment's lock
   * (lockForCompletion): the statement's snapshot then sees every completion and lesson change
   * committed before, and the row it marks itself is the `+ 1` (a statement does not see its own
   * writes). A row may already record time spent on the lesson without completing it.
   */
  async recordLessonCompleted(
    manager: EntityManager,
    enrollment: { id: string; courseId: string },
    lessonId: string,
  ): Promise<LessonRecorded | null> {
    const completes = completesSql('c.done', 'c.total');
    const rows = await manager.query<
      Array<EnrollmentRow & { total_lessons: number; certificate_id: string | null }>
    >(
      `WITH marked AS (
         INSERT INTO lesson_progress (enrollment_id, lesson_id, completed, completed_at)
         VALUES ($1, $2, true, now())
         ON CONFLICT (enrollment_id, lesson_id) DO UPDATE SET completed = true, completed_at = now()
          WHERE NOT lesson_progress.completed
         RETURNING id),
       counts AS (
         SELECT (SELECT count(*)::int FROM lesson_progress
                  WHERE enrollment_id = $1 AND completed AND lesson_id <> $2) + 1 AS done,
                (SELECT count(*)::int FROM lessons WHERE course_id = $3) AS total),
       updated AS (
         UPDATE enrollments e
            SET completed_lessons = c.done,
                progress_percentage = CASE WHEN e.status = 'active'
                  THEN ${progressSql('c.done', 'c.total')} ELSE e.progress_percentage END,
                status = CASE WHEN e.status = 'active' AND ${completes}
                  THEN 'completed' ELSE e.status END,
                completed_at = CASE WHEN e.status = 'active' AND ${completes}
                  THEN now() ELSE e.completed_at END,
                updated_at = now()
           FROM counts c
          WHERE e.id = $1 AND EXISTS (SELECT 1 FROM marked)
         RETURNING e.*, c.total AS total_lessons)
       SELECT u.*, (SELECT id FROM certificates WHERE enrollment_id = $1) AS certificate_id
         FROM updated u`,
      [enrollment.id, lessonId, enrollment.courseId],
    );
    if (rows.length === 0) return null;
    const [row] = rows;
    return {
      enrollment: fromRow(row),
      totalLessons: row.total_lessons,
      certificateId: row.certificate_id,
    };
  }

  /**
   * Adds `seconds` to the time spent on the lesson and moves the position when given, creating
   * the (not completed) row if needed: one statement, so parallel reports add up exactly.
   */
  async addLessonTime(
    enrollmentId: string,
    lessonId: string,
    seconds: number,
    positionSeconds: number | null,
  ): Promise<void> {
    await this.progress.query(
      `INSERT INTO lesson_progress
              (enrollment_id, lesson_id, completed, completed_at, position_seconds, time_spent_seconds)
       VALUES ($1, $2, false, NULL, $4, $3)
       ON CONFLICT (enrollment_id, lesson_id) DO UPDATE
          SET time_spent_seconds = lesson_progress.time_spent_seconds + EXCLUDED.time_spent_seconds,
              position_seconds = COALESCE(EXCLUDED.position_seconds, lesson_progress.position_seconds)`,
      [enrollmentId, lessonId, seconds, positionSeconds],
    );
  }

  async completedLessonIds(enrollmentId: string): Promise<string[]> {
    const rows = await this.progress.find({
      select: { lessonId: true },
      where: { enrollmentId, completed: true },
    });
    return rows.map((row) => row.lessonId);
  }

  progressOf(enrollmentId: string): Promise<LessonProgress[]> {
    return this.progress.findBy({ enrollmentId });
  }

  /**
   * After lessons were added or removed: recounts every enrollment of the course and recomputes the
   * percentage of the active ones (progress.ts has the same formula); active enrollments that now
   * have every lesson done become completed. Returns those. The caller holds the course row's
   * lock, which lesson completions also take (shared) first: no completion is in flight, so the
   * counts read here are final and `newly_completed` is true once per enrollment.
   */
  async recomputeForCourse(
    manager: EntityManager,
    courseId: string,
    totalLessons: number,
  ): Promise<Enrollment[]> {
    const [rows] = await manager.query<[Array<{ id: string; newly_completed: boolean }>, number]>(
      `WITH counts AS (
         SELECT e.id, e.status,
                (SELECT count(*)::int FROM lesson_progress p WHERE p.enrollment_id = e.id AND p.completed) AS done
           FROM enrollments e
          WHERE e.course_id = $1
       )
       UPDATE enrollments e
          SET completed_lessons = c.done,
              progress_percentage = CASE
                WHEN e.status = 'completed' THEN e.progress_percentage
                ELSE ${progressSql('c.done', '$2::int')} END,
              status = CASE WHEN e.status = 'active' AND ${completesSql('c.done', '$2::int')}
                            THEN 'completed' ELSE e.status END,
              completed_at = CASE WHEN e.status = 'active' AND ${completesSql('c.done', '$2::int')}
                                  THEN now() ELSE e.completed_at END,
              updated_at = now()
         FROM counts c
        WHERE e.id = c.id
       RETURNING e.id, (c.status = 'active' AND e.status = 'completed') AS newly_completed`,
      [courseId, totalLessons],
    );
    const ids = rows.filter((row) => row.newly_completed).map((row) => row.id);
    return ids.length > 0 ? manager.getRepository(Enrollment).findBy({ id: In(ids) }) : [];
  }

  async findPageByStudent(
    studentId: string,
    status: EnrollmentStatus | undefined,
    offset: number,
    limit: number,
  ): Promise<[Enrollment[], number]> {
    return this.enrollments.findAndCount({
      where: { studentId, ...(status ? { status } : {}) },
      order: { enrolledAt: 'DESC', id: 'ASC' },
      skip: offset,
      take: limit,
    });
  }

  async findPageByCourse(
    courseId: string,
    status: EnrollmentStatus | undefined,
    offset: number,
    limit: number,
  ): Promise<[Enrollment[], number]> {
    return this.enrollments.findAndCount({
      where: { courseId, ...(status ? { status } : {}) },
      order: { enrolledAt: 'DESC', id: 'ASC' },
      skip: offset,
      take: limit,
    });
  }

  /** The personal-data export: the student's enrollments with their lesson progress, one query. */
  exportRowsOf(studentId: string): Promise<Array<Record<string, unknown>>> {
    return this.enrollments.query(
      `SELECT e.id, e.course_id AS "courseId", c.title AS "courseTitle", e.status,
              e.enrolled_at AS "enrolledAt", e.completed_at AS "completedAt",
              e.progress_percentage::float8 AS "progressPercentage",
              e.completed_lessons AS "completedLessons",
              COALESCE((SELECT json_agg(json_build_object('lessonId', p.lesson_id,
                                 'completed', p.completed, 'completedAt', p.completed_at)
                                 ORDER BY p.completed_at, p.lesson_id)
                          FROM lesson_progress p WHERE p.enrollment_id = e.id), '[]') AS lessons
         FROM enrollments e LEFT JOIN courses c ON c.id = e.course_id
        WHERE e.student_id = $1
        ORDER BY e.enrolled_at, e.id`,
      [studentId],
    );
  }
}
