import { EntityManager } from 'typeorm';
/** What the lock policy needs of an enrollment. */
export interface LockedEnrollment {
  id: string;
  courseId: string;
  enrolledAt: Date;
}

/** The course as enrollment events show it. */
export interface ChangedCourse {
  id: string;
  title: string;
  slug: string;
}

/**
 * What courses need from enrollments, without importing that module (which depends on this one):
 * the enrollments module provides the implementation globally.
 */
export abstract class EnrollmentGateway {
  /** The student's enrollment in the course as the lock policy needs it, or null. */
  abstract enrollmentOf(studentId: string, courseId: string): Promise<LockedEnrollment | null>;

  /** Ids of the lessons the enrollment has completed. */
  abstract completedLessonIds(enrollmentId: string): Promise<string[]>;

  /**
   * Called inside the transaction that added or removed lessons, which holds the course row's
   * lock (so no lesson completion of the course is in flight), to recompute progress. Works on
   * `manager` only: it must not wait for a second pooled connection while holding locks.
   */
  abstract lessonsChanged(
    manager: EntityManager,
    course: ChangedCourse,
    totalLessons: number,
  ): Promise<void>;
}
