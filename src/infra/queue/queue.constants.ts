/** Every BullMQ queue and job name, in one place. */
export const QUEUES = {
  EMAIL: 'email',
  CERTIFICATES: 'certificates',
  WEBHOOKS: 'webhooks',
  MAINTENANCE: 'maintenance',
  /** Long imports (bulk enrollment), apart so that they never delay mails or webhooks. */
  IMPORTS: 'imports',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const ALL_QUEUES: readonly QueueName[] = Object.values(QUEUES);

export const JOBS = {
  SEND_EMAIL: 'send-email',
  /** A password reset asked for by email address: look-up, throttle and token happen here. */
  REQUEST_PASSWORD_RESET: 'request-password-reset',
  /** Mint and mail one reset or verification token, by token id (the token is never queued). */
  SEND_ACCOUNT_TOKEN: 'send-account-token',
  PURGE_OUTBOX: 'purge-outbox',
  PURGE_AUTH_TOKENS: 'purge-auth-tokens',
  PURGE_IDEMPOTENCY_KEYS: 'purge-idempotency-keys',
  /** A domain event (webhook payload) to fan out to subscribed endpoints. */
  DOMAIN_EVENT: 'domain-event',
  /** Deliver one webhook (one endpoint, one event). */
  DELIVER_WEBHOOK: 'deliver-webhook',
  SCAN_WEBHOOK_DELIVERIES: 'scan-webhook-deliveries',
  /** Send one xAPI statement to the LRS (same retry machinery as webhooks). */
  DELIVER_XAPI_STATEMENT: 'deliver-xapi-statement',
  SCAN_XAPI_STATEMENTS: 'scan-xapi-statements',
  /** Close timed quiz attempts abandoned past their deadline. */
  EXPIRE_ATTEMPTS: 'expire-attempts',
  /** Issue the certificate of a completed enrollment. */
  ISSUE_CERTIFICATE: 'issue-certificate',
  /** Store certificates' PDFs again from their rows (after an erasure: without the name). */
  RERENDER_CERTIFICATES: 'rerender-certificates',
  /** Notify a course's enrolled students of a newly published assignment (webhooks queue). */
  NOTIFY_ASSIGNMENT_PUBLISHED: 'notify-assignment-published',
  /** Periodic: notify students of assignments due within 24 h they have not submitted to. */
  NOTIFY_DUE_SOON: 'notify-due-soon',
  /**
   * Delete stored objects by key until every one is gone (after an erasure: the immediate attempt
   * after the commit may fail; this job, written in the erasure's transaction, retries).
   */
  DELETE_STORED_OBJECTS: 'delete-stored-objects',
  /** Run one bulk enrollment job, by job id (its rows are in the database, never in Redis). */
  RUN_BULK_ENROLLMENT: 'run-bulk-enrollment',
} as const;

/** Retries for every job unless the producer says otherwise. */
export const DEFAULT_JOB_ATTEMPTS = 5;
export const DEFAULT_JOB_BACKOFF_MS = 2_000;
