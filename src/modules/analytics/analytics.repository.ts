import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type {
  AssignmentStats,
  DailyCount,
  InstructorCourseStats,
  LessonCompletionStats,
  StudentCourseProgress,
} from './dto/analytics.response';

/**
 * The read side of analytics: every figure is an aggregate computed by PostgreSQL (no rows are
 * loaded to be counted in Node). It reads across the domain tables on purpose: it owns no data.
 * Casts (::int, ::float8) make the driver return numbers rather than strings.
 */
@Injectable()
export class AnalyticsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async studentTotals(studentId: string) {
    const [row] = await this.db.query<
      Array<{
        enrolled: number;
        completed: number;
        average_progress: number;
        lessons: number;
        attempts: number;
        passed: number;
        average_score: number;
        certificates: number;
      }>
    >(
      `SELECT
         (SELECT count(*)::int FROM enrollments WHERE student_id = $1) AS enrolled,
         (SELECT count(*)::int FROM enrollments WHERE student_id = $1 AND status = 'completed') AS completed,
         (SELECT coalesce(round(avg(progress_percentage), 2), 0)::float8 FROM enrollments WHERE student_id = $1) AS average_progress,
         (SELECT count(*)::int FROM lesson_progress p JOIN enrollments e ON e.id = p.enrollment_id
           WHERE e.student_id = $1 AND p.completed) AS lessons,
         (SELECT count(*)::int FROM quiz_attempts WHERE student_id = $1) AS attempts,
         (SELECT count(DISTINCT quiz_id)::int FROM quiz_attempts WHERE student_id = $1 AND passed) AS passed,
         (SELECT coalesce(round(avg(percentage), 2), 0)::float8 FROM quiz_attempts
           WHERE student_id = $1 AND status IN ('submitted', 'expired')
             AND grading_status <> 'pending') AS average_score,
         (SELECT count(*)::int FROM certificates WHERE student_id = $1 AND revoked_at IS NULL) AS certificates`,
      [studentId],
    );
    return row;
  }

  studentCourses(studentId: string): Promise<StudentCourseProgress[]> {
    return this.db.query(
      `SELECT c.id AS "courseId", c.title, e.progress_percentage::float8 AS "progressPercentage", e.status
         FROM enrollments e JOIN courses c ON c.id = e.course_id
        WHERE e.student_id = $1
        ORDER BY e.enrolled_at DESC, e.id`,
      [studentId],
    );
  }

  async instructorTotals(instructorId: string) {
    const [row] = await this.db.query<
      Array<{
        courses: number;
        published: number;
        enrollments: number;
        students: number;
        completed: number;
        average_score: number;
      }>
    >(
      `SELECT
         (SELECT count(*)::int FROM courses WHERE instructor_id = $1) AS courses,
         (SELECT count(*)::int FROM courses WHERE instructor_id = $1 AND is_published) AS published,
         count(e.id)::int AS enrollments,
         count(DISTINCT e.student_id)::int AS students,
         count(e.id) FILTER (WHERE e.status = 'completed')::int AS completed,
         (SELECT coalesce(round(avg(a.percentage), 2), 0)::float8
            FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id JOIN courses c ON c.id = q.course_id
           WHERE c.instructor_id = $1 AND a.status IN ('submitted', 'expired')
             AND a.grading_status <> 'pending') AS average_score
         FROM courses c LEFT JOIN enrollments e ON e.course_id = c.id
        WHERE c.instructor_id = $1`,
      [instructorId],
    );
    return row;
  }

  instructorCourses(instructorId: string): Promise<InstructorCourseStats[]> {
    return this.db.query(
      `SELECT c.id AS "courseId", c.title,
              count(e.id)::int AS enrollments,
              count(e.id) FILTER (WHERE e.status = 'completed')::int AS completions,
              CASE WHEN count(e.id) = 0 THEN 0
                   ELSE round(count(e.id) FILTER (WHERE e.status = 'completed')::numeric / count(e.id), 4)
              END::float8 AS "completionRate",
              coalesce(round(avg(e.progress_percentage), 2), 0)::float8 AS "averageProgress"
         FROM courses c LEFT JOIN enrollments e ON e.course_id = c.id
        WHERE c.instructor_id = $1
        GROUP BY c.id
        ORDER BY c.created_at DESC, c.id`,
      [instructorId],
    );
  }

  async courseTotals(courseId: string) {
    const [row] = await this.db.query<
      Array<{
        enrollments: number;
        active: number;
        completed: number;
        average_progress: number;
        average_days: number | null;
      }>
    >(
      `SELECT count(*)::int AS enrollments,
              count(*) FILTER (WHERE status = 'active')::int AS active,
              count(*) FILTER (WHERE status = 'completed')::int AS completed,
              coalesce(round(avg(progress_percentage), 2), 0)::float8 AS average_progress,
              round((avg(extract(epoch FROM completed_at - enrolled_at)) FILTER (WHERE status = 'completed') / 86400)::numeric, 2)::float8 AS average_days
         FROM enrollments WHERE course_id = $1`,
      [courseId],
    );
    return row;
  }

  /**
   * Completions per lesson: per lesson, a count over its entries of the partial index
   * ix_lesson_progress_lesson_completed (index-only, no heap visit). The LATERAL count is one
   * index range per lesson, cheaper than a join and regroup of all the course's rows. The average
   * time is the same over ix_lesson_progress_lesson_time (rows with time only).
   */
  courseLessons(courseId: string): Promise<LessonCompletionStats[]> {
    return this.db.query(
      `SELECT l.id AS "lessonId", l.title, l.position, p.completions::int AS completions,
              round(s.average, 2)::float8 AS "averageTimeSpentSeconds"
         FROM lessons l
         CROSS JOIN LATERAL (
           SELECT count(*) AS completions FROM lesson_progress
            WHERE lesson_id = l.id AND completed
         ) p
         CROSS JOIN LATERAL (
           SELECT avg(time_spent_seconds) AS average FROM lesson_progress
            WHERE lesson_id = l.id AND time_spent_seconds > 0
         ) s
        WHERE l.course_id = $1
        ORDER BY l.position`,
      [courseId],
    );
  }

  courseQuizzes(courseId: string): Promise<
    Array<{
      quizId: string;
      title: string;
      attempts: number;
      averageScore: number;
      passRate: number;
      buckets: number[];
    }>
  > {
    // One index-only pass over each quiz's graded attempts (ix_quiz_attempts_quiz_status) for
    // every figure. Only final scores count: attempts whose essays wait for a person are left
    // out until graded. The bucket is computed once per attempt (OFFSET 0 keeps the subquery from
    // being inlined into each FILTER); least() sends 100 % (and a NULL percentage) to 90-100.
    return this.db.query(
      `SELECT q.id AS "quizId", q.title,
              a.attempts::int AS attempts,
              coalesce(round(a.average, 2), 0)::float8 AS "averageScore",
              CASE WHEN a.attempts = 0 THEN 0
                   ELSE round(a.passed::numeric / a.attempts, 4) END::float8 AS "passRate",
              a.buckets
         FROM quizzes q
         CROSS JOIN LATERAL (
           SELECT count(*) AS attempts, avg(percentage) AS average,
                  count(*) FILTER (WHERE passed) AS passed,
                  ARRAY[count(*) FILTER (WHERE bucket = 0), count(*) FILTER (WHERE bucket = 1),
                        count(*) FILTER (WHERE bucket = 2), count(*) FILTER (WHERE bucket = 3),
                        count(*) FILTER (WHERE bucket = 4), count(*) FILTER (WHERE bucket = 5),
                        count(*) FILTER (WHERE bucket = 6), count(*) FILTER (WHERE bucket = 7),
                        count(*) FILTER (WHERE bucket = 8), count(*) FILTER (WHERE bucket = 9)
                  ]::int[] AS buckets
             FROM (SELECT percentage, passed, least(floor(percentage / 10), 9)::int AS bucket
                     FROM quiz_attempts
                    WHERE quiz_id = q.id AND status IN ('submitted', 'expired')
                      AND grading_status <> 'pending'
                   OFFSET 0) graded
         ) a
        WHERE q.course_id = $1
        ORDER BY q.created_at, q.id`,
      [courseId],
    );
  }

  /**
   * Per assignment of the course (oldest first), over each student's latest submission: one
   * backward range of ux_submissions_version per assignment (DISTINCT ON keeps the first row of
   * each student), whatever the number of assignments: one statement.
   */
  courseAssignments(courseId: string): Promise<AssignmentStats[]> {
    return this.db.query(
      `SELECT a.id AS "assignmentId", a.title,
              s.submissions::int AS submissions, s.graded::int AS graded,
              round(s.average, 2)::float8 AS "averageScore",
              CASE WHEN s.submissions = 0 THEN 0
                   ELSE round(s.late::numeric / s.submissions, 4) END::float8 AS "lateRate"
         FROM assignments a
         CROSS JOIN LATERAL (
           SELECT count(*) AS submissions,
                  count(*) FILTER (WHERE status = 'graded') AS graded,
                  avg(final_score) FILTER (WHERE status = 'graded') AS average,
                  count(*) FILTER (WHERE late) AS late
             FROM (SELECT DISTINCT ON (student_id) status, final_score, late
                     FROM submissions WHERE assignment_id = a.id
                    ORDER BY student_id, version DESC) latest
         ) s
        WHERE a.course_id = $1
        ORDER BY a.created_at, a.id`,
      [courseId],
    );
  }

  async systemTotals() {
    const [row] = await this.db.query<
      Array<{
        users: number;
        students: number;
        instructors: number;
        admins: number;
        active30d: number;
        courses: number;
        published: number;
        enrollments: number;
        active_enrollments: number;
        completed_enrollments: number;
        certificates: number;
        attempts: number;
      }>
    >(
      `SELECT u.users, u.students, u.instructors, u.admins, u.active30d,
              c.courses, c.published, e.enrollments, e.active_enrollments, e.completed_enrollments,
              (SELECT count(*)::int FROM certificates) AS certificates,
              (SELECT count(*)::int FROM quiz_attempts) AS attempts
         FROM (SELECT count(*)::int AS users,
                      count(*) FILTER (WHERE role = 'student')::int AS students,
                      count(*) FILTER (WHERE role = 'instructor')::int AS instructors,
                      count(*) FILTER (WHERE role = 'admin')::int AS admins,
                      count(*) FILTER (WHERE last_login_at >= now() - interval '30 days')::int AS active30d
                 FROM users WHERE deleted_at IS NULL) u,
              (SELECT count(*)::int AS courses, count(*) FILTER (WHERE is_published)::int AS published
                 FROM courses) c,
              (SELECT count(*)::int AS enrollments,
                      count(*) FILTER (WHERE status = 'active')::int AS active_enrollments,
                      count(*) FILTER (WHERE status = 'completed')::int AS completed_enrollments
                 FROM enrollments) e`,
    );
    return row;
  }

  /**
   * Sign-ups per UTC day over the last 30 days, zeros included. The days are timestamps without
   * time zone (UTC midnights), so the session's TimeZone setting cannot shift them.
   */
  signupsLast30Days(): Promise<DailyCount[]> {
    return this.db.query(
      `SELECT to_char(d.day, 'YYYY-MM-DD') AS date, count(u.id)::int AS count
         FROM generate_series((now() AT TIME ZONE 'UTC')::date::timestamp - interval '29 days', (now() AT TIME ZONE 'UTC')::date::timestamp, interval '1 day') AS d(day)
         LEFT JOIN users u ON u.created_at >= d.day AT TIME ZONE 'UTC'
                          AND u.created_at < (d.day + interval '1 day') AT TIME ZONE 'UTC'
        GROUP BY d.day ORDER BY d.day`,
    );
  }
}
