import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { OutboxJob } from '../outbox/outbox.service';
import type { DeliveryRecord } from './delivery-record.entity';
import { JobQueue } from '../queue/job-queue';
import type { QueueName } from '../queue/queue.constants';

/** How long a claimed attempt may take before the retry scan considers its worker dead. */
const CLAIM_LEASE_MS = 60_000;

/**
 * A kind of outgoing delivery (webhook calls, xAPI statements): its table and the job that makes
 * one attempt. The table has `id`, `status` (pending, succeeded, failed), `attempts`,
 * `last_status_code`, `last_error`, `next_attempt_at` and `updated_at`.
 */
export interface DeliveryKind {
  /** A table name written in code, never input. */
  table: string;
  /** What the log lines call them, e.g. `webhook deliveries`. */
  label: string;
  queue: QueueName;
  job: string;
  maxAttempts: number;
  backoffBaseMs: number;
}

/** What one attempt achieved, as the caller judges it: done, worth another try, or hopeless. */
export type AttemptVerdict = 'succeeded' | 'retry' | 'give-up';
export type DeliveryOutcome = 'succeeded' | 'retrying' | 'failed';

export interface AttemptResult {
  statusCode?: number;
  error?: string;
}

/** Delay before attempt n+1 after n failed ones: base * 2^(n-1), plus up to 20 % jitter. */
export function retryDelayMs(failedAttempts: number, baseMs: number, random = Math.random): number {
  const delay = baseMs * 2 ** (failedAttempts - 1);
  return Math.round(delay + delay * 0.2 * random());
}

/** The outbox job of a delivery's first attempt. */
export function deliveryJob(kind: DeliveryKind, deliveryId: string): OutboxJob {
  return { queue: kind.queue, name: kind.job, payload: { deliveryId } };
}

/**
 * The retry machinery that deliveries of every kind share. Each attempt is claimed with a
 * conditional update, so a job that runs twice sends once; a failed attempt schedules the next
 * with exponential backoff until `maxAttempts`; an attempt whose job was lost (or whose worker
 * died) is picked up again by the periodic scan.
 */
@Injectable()
export class RetryingDeliveries {
  private readonly logger = new Logger('Deliveries');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
  ) {}

  /**
   * Counts the attempt and leases it, for a delivery still pending; returns the attempt number, or
   * null when there is nothing to do (gone, settled, or another run got there first).
   */
  async claim(
    kind: DeliveryKind,
    delivery: Pick<DeliveryRecord, 'status' | 'attempts'> & { id: string },
  ): Promise<number | null> {
    if (delivery.status !== 'pending') return null;
    const { id, attempts } = delivery;
    const [, affected] = await this.dataSource.query<[unknown, number]>(
      `UPDATE ${kind.table}
          SET attempts = attempts + 1, next_attempt_at = $3, updated_at = now()
        WHERE id = $1 AND status = 'pending' AND attempts = $2`,
      [id, attempts, new Date(Date.now() + CLAIM_LEASE_MS)],
    );
    return affected > 0 ? attempts + 1 : null;
  }

  /** Stores the attempt's outcome and, unless it is the last, queues the next attempt. */
  async record(
    kind: DeliveryKind,
    id: string,
    attempt: number,
    result: AttemptResult,
    verdict: AttemptVerdict,
  ): Promise<DeliveryOutcome> {
    const ok = verdict === 'succeeded';
    const outcome: DeliveryOutcome = ok
      ? 'succeeded'
      : verdict === 'give-up' || attempt >= kind.maxAttempts
        ? 'failed'
        : 'retrying';
    const error = ok ? null : (result.error ?? `HTTP ${result.statusCode}`).slice(0, 500);
    const delay = retryDelayMs(attempt, kind.backoffBaseMs);
    await this.dataSource.query(
      `UPDATE ${kind.table}
          SET status = $2, last_status_code = $3, last_error = $4, next_attempt_at = $5,
              updated_at = now()
        WHERE id = $1`,
      [
        id,
        outcome === 'retrying' ? 'pending' : outcome,
        result.statusCode ?? null,
        error,
        outcome === 'retrying' ? new Date(Date.now() + delay) : null,
      ],
    );
    if (outcome === 'retrying') {
      await this.jobs.add(
        kind.queue,
        kind.job,
        { deliveryId: id },
        { jobId: `${id}-retry-${attempt}`, delayMs: delay, attempts: 1 },
      );
    }
    return outcome;
  }

  /** Re-queues pending deliveries whose attempt is overdue (lost job, dead worker). */
  async requeueOverdue(kind: DeliveryKind, limit: number): Promise<number> {
    const overdue = await this.dataSource.query<Array<{ id: string; attempts: number }>>(
      `SELECT id, attempts FROM ${kind.table}
        WHERE status = 'pending' AND next_attempt_at < $1
        ORDER BY next_attempt_at LIMIT $2`,
      [new Date(Date.now() - 5_000), limit],
    );
    for (const { id, attempts } of overdue) {
      await this.jobs.add(
        kind.queue,
        kind.job,
        { deliveryId: id },
        {
          // Per attempt and minute: a scan job that failed is not kept from running again (BullMQ
          // keeps failed job ids), and duplicates are harmless since attempts are claimed.
          jobId: `${id}-scan-${attempts}-${Math.floor(Date.now() / 60_000)}`,
          attempts: 1,
        },
      );
    }
    if (overdue.length > 0) this.logger.log(`re-queued ${overdue.length} overdue ${kind.label}`);
    return overdue.length;
  }
}
