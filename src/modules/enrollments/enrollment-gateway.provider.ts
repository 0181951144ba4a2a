import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OutboxService } from '../../infra/outbox/outbox.service';
import { ChangedCourse, EnrollmentGateway, LockedEnrollment } from '../courses/enrollment.gateway';
import { UsersService } from '../users/users.service';
import { CompletionJobs } from './completion-jobs';
import { toEnrollmentResponse } from './dto/enrollment.response';
import { EnrollmentsRepository } from './enrollments.repository';

/** The courses module's view of enrollments (see EnrollmentGateway). */
@Injectable()
export class EnrollmentGatewayProvider extends EnrollmentGateway {
  constructor(
    private readonly enrollments: EnrollmentsRepository,
    private readonly users: UsersService,
    private readonly completion: CompletionJobs,
    private readonly outbox: OutboxService,
  ) {
    super();
  }

  enrollmentOf(studentId: string, courseId: string): Promise<LockedEnrollment | null> {
    return this.enrollments.findByStudentAndCourse(studentId, courseId);
  }

  completedLessonIds(enrollmentId: string): Promise<string[]> {
    return this.enrollments.completedLessonIds(enrollmentId);
  }

  /**
   * Recounts the course's enrollments; active ones that now have every lesson done (a lesson was
   * removed) complete, with the same side effects as completing the last lesson. Three statements
   * on the transaction's own connection, whatever the number of enrollments.
   */
  async lessonsChanged(
    manager: EntityManager,
    course: ChangedCourse,
    totalLessons: number,
  ): Promise<void> {
    const completed = await this.enrollments.recomputeForCourse(manager, course.id, totalLessons);
    if (completed.length === 0) return;
    const students = await this.users.contacts(
      completed.map((enrollment) => enrollment.studentId),
      manager,
    );
    const summary = { id: course.id, title: course.title, slug: course.slug };
    const context = { course: summary, totalLessons, certificateId: null };
    await this.outbox.add(
      manager,
      ...completed.flatMap((enrollment) =>
        this.completion.for(
          toEnrollmentResponse(enrollment, context),
          students.get(enrollment.studentId) ?? { email: '', fullName: '' },
        ),
      ),
    );
  }
}
