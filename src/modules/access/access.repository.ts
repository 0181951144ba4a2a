import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CourseFacts, PermissionFacts } from './access.policy';

type CourseRow = { instructor_id: string | null; course_published: boolean | null };

const courseOf = (row: CourseRow | undefined): CourseFacts | null =>
  row?.instructor_id
    ? { instructorId: row.instructor_id, isPublished: !!row.course_published }
    : null;

/**
 * The narrow reads behind AccessService.require: for one resource id, the facts its permissions
 * are decided on, with its course's, in one statement. The one place outside the owning modules
 * that reads their tables, and only these columns.
 */
@Injectable()
export class AccessRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async course(id: string): Promise<PermissionFacts['course.view']> {
    const [row] = await this.dataSource.query<CourseRow[]>(
      `SELECT instructor_id, is_published AS course_published FROM courses WHERE id = $1`,
      [id],
    );
    return { course: courseOf(row) };
  }

  async lesson(id: string, callerId: string | undefined): Promise<PermissionFacts['lesson.read']> {
    const [row] = await this.dataSource.query<
      Array<CourseRow & { is_preview: boolean; enrollment_status: string | null }>
    >(
      `SELECT c.instructor_id, c.is_published AS course_published, l.is_preview,
              (SELECT e.status FROM enrollments e
                WHERE e.course_id = l.course_id AND e.student_id = $2) AS enrollment_status
         FROM lessons l JOIN courses c ON c.id = l.course_id
        WHERE l.id = $1`,
      [id, callerId ?? null],
    );
    return {
      course: courseOf(row),
      lesson: row ? { isPreview: row.is_preview } : null,
      enrollment: row?.enrollment_status ? { status: row.enrollment_status } : null,
    };
  }

  async quiz(id: string): Promise<PermissionFacts['quiz.view']> {
    const [row] = await this.dataSource.query<Array<CourseRow & { quiz_published: boolean }>>(
      `SELECT c.instructor_id, c.is_published AS course_published, q.is_published AS quiz_published
         FROM quizzes q JOIN courses c ON c.id = q.course_id
        WHERE q.id = $1`,
      [id],
    );
    return { course: courseOf(row), quiz: row ? { isPublished: row.quiz_published } : null };
  }

  async enrollment(
    id: string,
  ): Promise<PermissionFacts['enrollment.read'] & PermissionFacts['enrollment.progress']> {
    const [row] = await this.dataSource.query<
      Array<CourseRow & { student_id: string; status: string }>
    >(
      `SELECT c.instructor_id, c.is_published AS course_published, e.student_id, e.status
         FROM enrollments e JOIN courses c ON c.id = e.course_id
        WHERE e.id = $1`,
      [id],
    );
    return {
      course: courseOf(row),
      enrollment: row ? { studentId: row.student_id, status: row.status } : null,
    };
  }

  async attempt(
    id: string,
  ): Promise<PermissionFacts['attempt.read'] & PermissionFacts['attempt.submit']> {
    const [row] = await this.dataSource.query<
      Array<CourseRow & { student_id: string; enrollment_status: string | null }>
    >(
      `SELECT c.instructor_id, c.is_published AS course_published, a.student_id,
              e.status AS enrollment_status
         FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id JOIN courses c ON c.id = q.course_id
         LEFT JOIN enrollments e ON e.id = a.enrollment_id
        WHERE a.id = $1`,
      [id],
    );
    return {
      course: courseOf(row),
      attempt: row ? { studentId: row.student_id } : null,
      enrollment: row?.enrollment_status ? { status: row.enrollment_status } : null,
    };
  }
}
