import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OutboxService } from '../../infra/outbox/outbox.service';
import { EnrollmentGateway } from '../courses/enrollment.gateway';
import { CompletionJobs } from './completion-jobs';
import { EnrollmentPresenter } from './enrollment.presenter';
import { EnrollmentsRepository } from './enrollments.repository';

/** The courses module's view of enrollments (see EnrollmentGateway). */
@Injectable()
export class EnrollmentGatewayProvider extends EnrollmentGateway {
  constructor(
    private readonly enrollments: EnrollmentsRepository,
    private readonly presenter: EnrollmentPresenter,
    private readonly completion: CompletionJobs,
    private readonly outbox: OutboxService,
  ) {
    super();
  }

  isEnrolled(studentId: string, courseId: string): Promise<boolean> {
    return this.enrollments.exists(studentId, courseId);
  }

  /**
   * Recounts the course's enrollments; active ones that now have every lesson done (a lesson was
   * removed) complete, with the same side effects as completing the last lesson.
   */
  async lessonsChanged(
    manager: EntityManager,
    courseId: string,
    totalLessons: number,
  ): Promise<void> {
    const completedIds = await this.enrollments.recomputeForCourse(manager, courseId, totalLessons);
    for (const id of completedIds) {
      const enrollment = await this.enrollments.findById(id, manager);
      if (!enrollment) continue;
      // The presenter counts lessons on another connection, which cannot see this transaction's
      // uncommitted change yet: the event carries the count as it is once the change commits.
      const presented = { ...(await this.presenter.present(enrollment)), totalLessons };
      await this.outbox.add(manager, ...(await this.completion.for(presented)));
    }
  }
}
