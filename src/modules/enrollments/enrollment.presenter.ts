import { Injectable, Optional } from '@nestjs/common';
import { CoursesService } from '../courses/courses.service';
import { CertificateLookup } from './certificate.lookup';
import {
  EnrollmentContext,
  EnrollmentResponse,
  toEnrollmentResponse,
} from './dto/enrollment.response';
import { Enrollment } from './entities/enrollment.entity';

/** Enrollments as the API shows them: a page costs three batched lookups, not one per row. */
@Injectable()
export class EnrollmentPresenter {
  constructor(
    private readonly courses: CoursesService,
    @Optional() private readonly certificates?: CertificateLookup,
  ) {}

  async present(enrollment: Enrollment): Promise<EnrollmentResponse> {
    const [presented] = await this.presentMany([enrollment]);
    return presented;
  }

  async presentMany(rows: Enrollment[]): Promise<EnrollmentResponse[]> {
    const contexts = await this.contexts(
      rows.map((row) => row.courseId),
      rows.map((row) => row.id),
    );
    return rows.map((row, i) => toEnrollmentResponse(row, contexts[i]));
  }

  /**
   * The lookups present() makes, for a transaction to make before it starts, then present with
   * toEnrollmentResponse inside it. These lookups take their own pooled connection: a transaction
   * that holds a lock others wait for (each waiter holding a connection) must not wait for one, or
   * concurrent requests starve the pool. Without `enrollmentId` (not inserted yet): no certificate.
   */
  async contextOf(courseId: string, enrollmentId?: string): Promise<EnrollmentContext> {
    const [context] = await this.contexts([courseId], enrollmentId ? [enrollmentId] : []);
    return context;
  }

  private async contexts(
    courseIds: string[],
    enrollmentIds: string[],
  ): Promise<EnrollmentContext[]> {
    const [courses, counts, certificates] = await Promise.all([
      this.courses.summaries(courseIds),
      this.courses.lessonCounts(courseIds),
      enrollmentIds.length > 0 && this.certificates
        ? this.certificates.idsByEnrollment(enrollmentIds)
        : new Map<string, string>(),
    ]);
    return courseIds.map((courseId, i) => ({
      course: courses.get(courseId) ?? { id: courseId, title: '', slug: '' },
      totalLessons: counts.get(courseId) ?? 0,
      certificateId: certificates.get(enrollmentIds[i]) ?? null,
    }));
  }
}
