import { Injectable } from '@nestjs/common';
import type { DomainEvent } from '../../infra/outbox/domain-event';
import { OnDomainEvent } from '../../infra/outbox/domain-event-subscriber';
import { JobHandler } from '../../infra/queue/job-handler.decorator';
import { JOBS, QUEUES } from '../../infra/queue/queue.constants';
import type { AssignmentPublishedPayload } from '../assignments/assignment-published.job';
import { AssignmentsService } from '../assignments/assignments.service';
import { NewNotification } from './notifications.repository';
import { NotificationsService } from './notifications.service';

/** The fields of the event payloads (the API's own resources) that notifications read. */
interface SubmissionData {
  id: string;
  assignmentId: string;
  studentId: string;
  student: { fullName: string };
  version: number;
  late: boolean;
  grade: { finalScore: number } | null;
}
interface AttemptData {
  id: string;
  studentId: string;
  attemptNumber: number;
  percentage: number | null;
  passed: boolean | null;
}
interface CertificateData {
  id: string;
  studentId: string;
  courseTitle: string;
  certificateNumber: string;
}

/** Every 10 minutes: a student hears of a due date between 24 h and 23 h 50 before it. */
const DUE_SOON_EVERY_MS = 10 * 60_000;

/**
 * Turns domain events and the assignment jobs into notifications. Event notifications are keyed
 * `event:<event id>` per recipient, so a redelivered event (a retry, two dispatchers) notifies
 * once; a regrade is a new event and notifies again, as it mails again.
 */
@Injectable()
export class NotificationEvents {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly assignments: AssignmentsService,
  ) {}

  @OnDomainEvent()
  async onDomainEvent(event: DomainEvent): Promise<void> {
    const row = await this.notificationOf(event);
    if (row) await this.notifications.notify([{ ...row, dedupeKey: `event:${event.id}` }]);
  }

  @JobHandler(QUEUES.WEBHOOKS, JOBS.NOTIFY_ASSIGNMENT_PUBLISHED)
  async assignmentPublished(payload: AssignmentPublishedPayload): Promise<void> {
    const due = payload.dueAt ? `Due ${formatUtc(payload.dueAt)}.` : 'No due date.';
    await this.notifications.notifyEnrolled(payload.courseId, {
      type: 'assignment.published',
      title: `New assignment: ${payload.title}`,
      body: due,
      resourceType: 'assignment',
      resourceId: payload.assignmentId,
      dedupeKey: `assignment.published:${payload.assignmentId}`,
    });
  }

  @JobHandler(QUEUES.MAINTENANCE, JOBS.NOTIFY_DUE_SOON, { everyMs: DUE_SOON_EVERY_MS })
  async dueSoon(): Promise<void> {
    await this.notifications.notifyDueSoon();
  }

  private async notificationOf(
    event: DomainEvent,
  ): Promise<Omit<NewNotification, 'dedupeKey'> | null> {
    switch (event.type) {
      case 'submission.graded': {
        const submission = event.data as SubmissionData;
        const { assignment } = await this.assignments.findWithCourse(submission.assignmentId);
        const title = assignment?.title ?? 'your assignment';
        const score = submission.grade
          ? `${submission.grade.finalScore}${assignment ? ` / ${assignment.maxPoints}` : ''} points`
          : 'graded';
        return {
          userId: submission.studentId,
          type: 'submission.graded',
          title: `Graded: ${title}`,
          body: `Version ${submission.version} of your submission: ${score}.`,
          resourceType: 'submission',
          resourceId: submission.id,
        };
      }
      case 'assignment.submitted': {
        const submission = event.data as SubmissionData;
        const { assignment, course } = await this.assignments.findWithCourse(
          submission.assignmentId,
        );
        if (!assignment || !course) return null;
        return {
          userId: course.instructorId,
          type: 'assignment.submitted',
          title: `New submission: ${assignment.title}`,
          body:
            `${submission.student.fullName || 'A student'} submitted version ` +
            `${submission.version}${submission.late ? ' (late)' : ''}.`,
          resourceType: 'submission',
          resourceId: submission.id,
        };
      }
      case 'quiz.attempt.graded': {
        // Sent after a person graded the essays (automatic grading sends quiz.attempt.submitted).
        const attempt = event.data as AttemptData;
        const outcome = attempt.passed === null ? '' : attempt.passed ? ', passed' : ', not passed';
        return {
          userId: attempt.studentId,
          type: 'attempt.graded',
          title: 'Your quiz attempt was graded',
          body: `Attempt ${attempt.attemptNumber}: ${attempt.percentage ?? 0} %${outcome}.`,
          resourceType: 'attempt',
          resourceId: attempt.id,
        };
      }
      case 'certificate.issued': {
        const certificate = event.data as CertificateData;
        return {
          userId: certificate.studentId,
          type: 'certificate.issued',
          title: `Certificate issued: ${certificate.courseTitle}`,
          body: `Certificate ${certificate.certificateNumber} is ready to download.`,
          resourceType: 'certificate',
          resourceId: certificate.id,
        };
      }
      default:
        return null;
    }
  }
}

function formatUtc(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
