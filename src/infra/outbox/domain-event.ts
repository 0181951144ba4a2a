import { randomUUID } from 'node:crypto';
import { JOBS, QUEUES } from '../queue/queue.constants';
import { OutboxJob } from './outbox.service';

/** The event names of the webhook contract. */
export const DOMAIN_EVENTS = [
  'user.registered',
  'course.published',
  'enrollment.created',
  'lesson.completed',
  'enrollment.completed',
  'enrollment.dropped',
  'quiz.attempt.submitted',
  'quiz.attempt.graded',
  'certificate.issued',
  'assignment.submitted',
  'submission.graded',
  'user.erased',
  'webhook.test',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENTS)[number];

export interface DomainEvent {
  id: string;
  type: DomainEventType;
  timestamp: string;
  /** The affected resource as the API returns it. */
  data: unknown;
}

/**
 * The outbox job carrying one domain event; written in the transaction of the change it
 * describes. The webhooks module consumes it.
 */
export function domainEventJob(type: DomainEventType, data: unknown): OutboxJob {
  const event: DomainEvent = { id: randomUUID(), type, timestamp: new Date().toISOString(), data };
  return { queue: QUEUES.WEBHOOKS, name: JOBS.DOMAIN_EVENT, payload: event };
}
