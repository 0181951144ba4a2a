import { Injectable, Optional } from '@nestjs/common';
import { CoursesService } from '../courses/courses.service';
import { CertificateLookup } from './certificate.lookup';
import { EnrollmentResponse, toEnrollmentResponse } from './dto/enrollment.response';
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
    const courseIds = rows.map((row) => row.courseId);
    const [courses, counts, certificates] = await Promise.all([
      this.courses.summaries(courseIds),
      this.courses.lessonCounts(courseIds),
      this.certificates?.idsByEnrollment(rows.map((row) => row.id)) ?? new Map<string, string>(),
    ]);
    return rows.map((row) =>
      toEnrollmentResponse(row, {
        course: courses.get(row.courseId) ?? { id: row.courseId, title: '', slug: '' },
        totalLessons: counts.get(row.courseId) ?? 0,
        certificateId: certificates.get(row.id) ?? null,
      }),
    );
  }
}
