import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../../config/configuration';
import { mailJob } from '../../infra/mail/mail.service';
import { domainEventJob } from '../../infra/outbox/domain-event';
import { OutboxJob } from '../../infra/outbox/outbox.service';
import { JOBS, QUEUES } from '../../infra/queue/queue.constants';
import { UsersService } from '../users/users.service';
import { EnrollmentResponse } from './dto/enrollment.response';

/** Who gets the completion mail. */
export interface MailRecipient {
  email: string;
  fullName: string;
}

/** What finishing a course sets off: `enrollment.completed`, the completion mail, the certificate. */
@Injectable()
export class CompletionJobs {
  constructor(
    private readonly users: UsersService,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  /**
   * Pass `student` when it was read before the transaction (see EnrollmentPresenter.contextOf);
   * otherwise it is looked up.
   */
  async for(enrollment: EnrollmentResponse, student?: MailRecipient): Promise<OutboxJob[]> {
    student ??= await this.users.getById(enrollment.studentId);
    return [
      domainEventJob('enrollment.completed', enrollment),
      mailJob({
        to: student.email,
        template: 'course-completed',
        context: {
          fullName: student.fullName,
          courseTitle: enrollment.course.title,
          courseUrl: this.courseUrl(enrollment.course.slug),
        },
      }),
      {
        queue: QUEUES.CERTIFICATES,
        name: JOBS.ISSUE_CERTIFICATE,
        payload: { enrollmentId: enrollment.id },
      },
    ];
  }

  courseUrl(slug: string): string {
    return `${this.app.webUrl}/courses/${slug}`;
  }
}
