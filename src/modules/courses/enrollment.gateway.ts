import { EntityManager } from 'typeorm';

/**
 * What courses need from enrollments, without importing that module (which depends on this one):
 * the enrollments module provides the implementation globally.
 */
export abstract class EnrollmentGateway {
  /** Whether this student is enrolled in the course (full lessons are for enrolled students). */
  abstract isEnrolled(studentId: string, courseId: string): Promise<boolean>;

  /** Called inside the transaction that added or removed lessons, to recompute progress. */
  abstract lessonsChanged(
    manager: EntityManager,
    courseId: string,
    totalLessons: number,
  ): Promise<void>;
}
