import type { OutboxJob } from '../../infra/outbox/outbox.service';
import { JOBS, QUEUES } from '../../infra/queue/queue.constants';
import type { Assignment } from './entities/assignment.entity';

/** What the `notify-assignment-published` job carries (read by the notifications module). */
export interface AssignmentPublishedPayload {
  assignmentId: string;
  courseId: string;
  title: string;
  dueAt: string | null;
}

/**
 * Written in the transaction that publishes an assignment (not a domain event: the webhook event
 * list is fixed by the contract), so the enrolled students are notified once, after the commit.
 */
export function assignmentPublishedJob(assignment: Assignment): OutboxJob {
  const payload: AssignmentPublishedPayload = {
    assignmentId: assignment.id,
    courseId: assignment.courseId,
    title: assignment.title,
    dueAt: assignment.dueAt?.toISOString() ?? null,
  };
  return { queue: QUEUES.WEBHOOKS, name: JOBS.NOTIFY_ASSIGNMENT_PUBLISHED, payload };
}
