import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../../config/configuration';
import { mailJob } from '../../infra/mail/mail.service';
import { domainEventJob } from '../../infra/outbox/domain-event';
import { OutboxJob } from '../../infra/outbox/outbox.service';
import { JOBS, QUEUES } from '../../infra/queue/queue.constants';
import { EnrollmentResponse } from './dto/enrollment.response';

/** Who gets the completion mail. */
export interface MailRecipient {
  email: string;
  fullName: string;
}

/** What finishing a course sets off: `enrollment.completed`, the completion mail, the certificate. */
@Injectable()
export class CompletionJobs {
  constructor(@Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>) {}

  /** `student` is read by the caller, before its transaction or on the transaction's connection. */
  for(enrollment: EnrollmentResponse, student: MailRecipient): OutboxJob[] {
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
