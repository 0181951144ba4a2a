import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { appConfig, webhooksConfig, xapiConfig } from '../../config/configuration';
import {
  deliveryJob,
  DeliveryKind,
  RetryingDeliveries,
} from '../../infra/delivery/retrying-deliveries';
import type { DomainEvent } from '../../infra/outbox/domain-event';
import { OnDomainEvent } from '../../infra/outbox/domain-event-subscriber';
import { OutboxService } from '../../infra/outbox/outbox.service';
import { JobHandler } from '../../infra/queue/job-handler.decorator';
import { JOBS, QUEUES } from '../../infra/queue/queue.constants';
import { postStatement, verdictOf } from './lrs.client';
import { ActivityFacts, statementFor } from './xapi-statements';
import { XapiRepository } from './xapi.repository';

const SCAN_BATCH = 200;

/**
 * Learning records: with XAPI_LRS_ENDPOINT set, each domain event that is a learning record
 * becomes one xAPI statement row (id derived from the event id) and a delivery job, written in one
 * transaction; delivery runs on the retry machinery of webhooks (claim, backoff, scan), with
 * WEBHOOK_MAX_ATTEMPTS and WEBHOOK_BACKOFF_BASE_MS. Nothing is stored or sent when it is unset.
 */
@Injectable()
export class XapiService {
  private readonly logger = new Logger('Xapi');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly statements: XapiRepository,
    private readonly outbox: OutboxService,
    private readonly deliveries: RetryingDeliveries,
    @Inject(xapiConfig.KEY) private readonly cfg: ConfigType<typeof xapiConfig>,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
    @Inject(webhooksConfig.KEY) private readonly retries: ConfigType<typeof webhooksConfig>,
  ) {}

  @OnDomainEvent()
  async record(event: DomainEvent): Promise<void> {
    if (!this.cfg.endpoint) return;
    const statement = statementFor(event, this.app.publicUrl, await this.factsOf(event));
    if (!statement) return;
    await this.dataSource.transaction(async (manager) => {
      const created = await this.statements.insertIfAbsent(manager, {
        id: statement.id,
        eventId: event.id,
        eventType: event.type,
        statement,
      });
      if (created) await this.outbox.add(manager, deliveryJob(this.kind, statement.id));
    });
  }

  /** Quiz and assignment events name their activity, not its course or maximum points. */
  private factsOf(event: DomainEvent): Promise<ActivityFacts> {
    const data = (event.data ?? {}) as { quizId?: unknown; assignmentId?: unknown };
    const id = (value: unknown) => (typeof value === 'string' && isUUID(value) ? value : undefined);
    switch (event.type) {
      case 'quiz.attempt.submitted':
      case 'quiz.attempt.graded':
        return this.statements.activityFacts(id(data.quizId));
      case 'submission.graded':
        return this.statements.activityFacts(undefined, id(data.assignmentId));
      default:
        return Promise.resolve({});
    }
  }

  @JobHandler(QUEUES.WEBHOOKS, JOBS.DELIVER_XAPI_STATEMENT)
  async deliver({ deliveryId }: { deliveryId: string }): Promise<void> {
    const row = await this.statements.findById(deliveryId);
    if (!this.cfg.endpoint) return;
    const attempt = row && (await this.deliveries.claim(this.kind, row));
    if (!row || !attempt) return;
    const result = await postStatement(
      { endpoint: this.cfg.endpoint, username: this.cfg.username, password: this.cfg.password },
      row.statement,
    );
    const verdict = verdictOf(result);
    const outcome = await this.deliveries.record(this.kind, row.id, attempt, result, verdict);
    if (outcome === 'failed') {
      this.logger.warn(
        `statement ${row.id} (${row.eventType}) refused by the LRS after ${attempt} attempt(s): ` +
          (result.statusCode !== undefined ? `HTTP ${result.statusCode}` : result.error),
      );
    }
  }

  /** Every 30 s: re-queues statements whose attempt is overdue (lost job, dead worker). */
  @JobHandler(QUEUES.WEBHOOKS, JOBS.SCAN_XAPI_STATEMENTS, { everyMs: 30_000 })
  async scan(): Promise<void> {
    if (!this.cfg.endpoint) return;
    await this.deliveries.requeueOverdue(this.kind, SCAN_BATCH);
  }

  private get kind(): DeliveryKind {
    return {
      table: 'xapi_statements',
      label: 'xAPI statements',
      queue: QUEUES.WEBHOOKS,
      job: JOBS.DELIVER_XAPI_STATEMENT,
      maxAttempts: this.retries.maxAttempts,
      backoffBaseMs: this.retries.backoffBaseMs,
    };
  }
}
