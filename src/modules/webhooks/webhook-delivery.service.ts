import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { webhooksConfig } from '../../config/configuration';
import { SecretBox } from '../../infra/crypto/secret-box';
import type { DomainEvent } from '../../infra/outbox/domain-event';
import { OnDomainEvent } from '../../infra/outbox/domain-event-subscriber';
import { OutboxJob, OutboxService } from '../../infra/outbox/outbox.service';
import { JobHandler } from '../../infra/queue/job-handler.decorator';
import { JobQueue } from '../../infra/queue/job-queue';
import { JOBS, QUEUES } from '../../infra/queue/queue.constants';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { postWebhook } from './webhook-http.client';
import { signWebhook } from './webhook-signature';
import { WebhooksRepository } from './webhooks.repository';
import { targetProblem } from '../../common/http/target-guard';

export const DELIVERIES_METRIC = 'webhook_deliveries_total';
export const DELIVERY_DURATION_METRIC = 'webhook_delivery_duration_seconds';

/** How long a claimed attempt may take before the retry scan considers its worker dead. */
const CLAIM_LEASE_MS = 60_000;
const SCAN_BATCH = 200;

export function deliverJob(deliveryId: string): OutboxJob {
  return { queue: QUEUES.WEBHOOKS, name: JOBS.DELIVER_WEBHOOK, payload: { deliveryId } };
}

/** Delay before attempt n+1 after n failed ones: base * 2^(n-1), plus up to 20 % jitter. */
export function retryDelayMs(failedAttempts: number, baseMs: number, random = Math.random): number {
  const delay = baseMs * 2 ** (failedAttempts - 1);
  return Math.round(delay + delay * 0.2 * random());
}

/**
 * The worker side of webhooks: fans each domain event out to the subscribed endpoints (one
 * delivery row each, in one transaction with their jobs), then delivers with retries. Each
 * attempt is claimed with a conditional update, so a job that runs twice sends once; an attempt
 * whose worker died is picked up again by the periodic retry scan.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly webhooks: WebhooksRepository,
    private readonly outbox: OutboxService,
    private readonly jobs: JobQueue,
    private readonly secrets: SecretBox,
    @Inject(webhooksConfig.KEY) private readonly cfg: ConfigType<typeof webhooksConfig>,
    @InjectMetric(DELIVERIES_METRIC) private readonly outcomes: Counter<string>,
    @InjectMetric(DELIVERY_DURATION_METRIC) private readonly duration: Histogram<string>,
  ) {}

  @OnDomainEvent()
  async fanOut(event: DomainEvent): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const endpoints = await this.webhooks.subscribers(manager, event.type);
      const ids = await this.webhooks.insertDeliveries(
        manager,
        endpoints.map((endpoint) => endpoint.id),
        { id: event.id, type: event.type, payload: event },
      );
      await this.outbox.add(manager, ...ids.map(deliverJob));
    });
  }

  @JobHandler(QUEUES.WEBHOOKS, JOBS.DELIVER_WEBHOOK)
  async deliver({ deliveryId }: { deliveryId: string }): Promise<void> {
    const delivery = await this.webhooks.findDelivery(deliveryId);
    if (!delivery || delivery.status !== 'pending') return;
    const attempt = await this.claim(delivery);
    if (attempt === null) return;

    const endpoint = await this.webhooks.findEndpointWithSecret(delivery.endpointId);
    if (!endpoint || !endpoint.isActive) {
      await this.record(delivery.id, attempt, { error: 'endpoint is disabled' }, true);
      return;
    }
    const problem = await targetProblem(endpoint.url, this.cfg.allowPrivateTargets);
    const started = process.hrtime.bigint();
    const result = problem
      ? { error: `target refused: ${problem}` }
      : await this.sendWithSecret(endpoint.url, endpoint.secret, delivery);
    this.duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    await this.record(delivery.id, attempt, result, false);
  }

  /** Every 30 s: re-queues pending deliveries whose attempt is overdue (lost job, dead worker). */
  @JobHandler(QUEUES.WEBHOOKS, JOBS.SCAN_WEBHOOK_DELIVERIES, { everyMs: 30_000 })
  async scan(): Promise<void> {
    const overdue = await this.webhooks.overdueDeliveries(new Date(Date.now() - 5_000), SCAN_BATCH);
    for (const { id, attempts } of overdue) {
      await this.jobs.add(
        QUEUES.WEBHOOKS,
        JOBS.DELIVER_WEBHOOK,
        { deliveryId: id },
        {
          // Per attempt and minute: a scan job that failed is not kept from running again (BullMQ
          // keeps failed job ids), and duplicates are harmless since attempts are claimed.
          jobId: `${id}-scan-${attempts}-${Math.floor(Date.now() / 60_000)}`,
          attempts: 1,
        },
      );
    }
    if (overdue.length > 0)
      this.logger.log(`re-queued ${overdue.length} overdue webhook deliveries`);
  }

  /** Counts the attempt and leases it; null when another run got there first. */
  private async claim(delivery: WebhookDelivery): Promise<number | null> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({
        attempts: () => 'attempts + 1',
        nextAttemptAt: new Date(Date.now() + CLAIM_LEASE_MS),
      })
      .where('id = :id AND status = :status AND attempts = :attempts', {
        id: delivery.id,
        status: 'pending',
        attempts: delivery.attempts,
      })
      .execute();
    return (result.affected ?? 0) > 0 ? delivery.attempts + 1 : null;
  }

  /**
   * A sealed secret that cannot be opened (DATA_ENCRYPTION_KEY changed) is a failed attempt like
   * any other: throwing here, after the claim, would retry the job outside WEBHOOK_MAX_ATTEMPTS
   * and leave the delivery pending forever without an error.
   */
  private async sendWithSecret(
    url: string,
    sealedSecret: string,
    delivery: WebhookDelivery,
  ): Promise<{ statusCode?: number; error?: string }> {
    let secret: string;
    try {
      secret = this.secrets.open(sealedSecret);
    } catch {
      return { error: 'the endpoint secret cannot be opened (encryption key changed?)' };
    }
    return this.send(url, secret, delivery);
  }

  private async send(
    url: string,
    secret: string,
    delivery: WebhookDelivery,
  ): Promise<{ statusCode?: number; error?: string }> {
    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(Date.now() / 1000);
    return postWebhook(
      url,
      body,
      {
        'webhook-id': delivery.eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(secret, delivery.eventId, timestamp, body),
      },
      this.cfg.allowPrivateTargets,
    );
  }

  private async record(
    id: string,
    attempt: number,
    result: { statusCode?: number; error?: string },
    final: boolean,
  ): Promise<void> {
    const ok =
      result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300;
    const error = ok ? null : (result.error ?? `HTTP ${result.statusCode}`).slice(0, 500);
    const givesUp = !ok && (final || attempt >= this.cfg.maxAttempts);
    const delay = retryDelayMs(attempt, this.cfg.backoffBaseMs);
    await this.webhooks.updateDelivery(id, {
      status: ok ? 'succeeded' : givesUp ? 'failed' : 'pending',
      lastStatusCode: result.statusCode ?? null,
      lastError: error,
      nextAttemptAt: ok || givesUp ? null : new Date(Date.now() + delay),
    });
    this.outcomes.inc({ outcome: ok ? 'succeeded' : givesUp ? 'failed' : 'retrying' });
    if (!ok && !givesUp) {
      await this.jobs.add(
        QUEUES.WEBHOOKS,
        JOBS.DELIVER_WEBHOOK,
        { deliveryId: id },
        {
          jobId: `${id}-retry-${attempt}`,
          delayMs: delay,
          attempts: 1,
        },
      );
    }
  }
}
