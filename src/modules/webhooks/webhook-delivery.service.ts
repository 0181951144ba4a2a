import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { webhooksConfig } from '../../config/configuration';
import { SecretBox } from '../../infra/crypto/secret-box';
import { DeliveryKind, RetryingDeliveries } from '../../infra/delivery/retrying-deliveries';
import type { DomainEvent } from '../../infra/outbox/domain-event';
import { OnDomainEvent } from '../../infra/outbox/domain-event-subscriber';
import { OutboxJob, OutboxService } from '../../infra/outbox/outbox.service';
import { JobHandler } from '../../infra/queue/job-handler.decorator';
import { JOBS, QUEUES } from '../../infra/queue/queue.constants';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { postWebhook } from './webhook-http.client';
import { signWebhook } from './webhook-signature';
import { WebhooksRepository } from './webhooks.repository';
import { targetProblem } from '../../common/http/target-guard';

export const DELIVERIES_METRIC = 'webhook_deliveries_total';
export const DELIVERY_DURATION_METRIC = 'webhook_delivery_duration_seconds';

const SCAN_BATCH = 200;

export function deliverJob(deliveryId: string): OutboxJob {
  return { queue: QUEUES.WEBHOOKS, name: JOBS.DELIVER_WEBHOOK, payload: { deliveryId } };
}

/**
 * The worker side of webhooks: fans each domain event out to the subscribed endpoints (one
 * delivery row each, in one transaction with their jobs), then delivers with retries. Each
 * attempt is claimed with a conditional update, so a job that runs twice sends once; an attempt
 * whose worker died is picked up again by the periodic retry scan.
 */
@Injectable()
export class WebhookDeliveryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly webhooks: WebhooksRepository,
    private readonly outbox: OutboxService,
    private readonly deliveries: RetryingDeliveries,
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
    const attempt = delivery && (await this.deliveries.claim(this.kind, delivery));
    if (!delivery || !attempt) return;

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
    await this.deliveries.requeueOverdue(this.kind, SCAN_BATCH);
  }

  /** Webhook deliveries for the shared retry machinery (read per call: config is fixed). */
  private get kind(): DeliveryKind {
    return {
      table: 'webhook_deliveries',
      label: 'webhook deliveries',
      queue: QUEUES.WEBHOOKS,
      job: JOBS.DELIVER_WEBHOOK,
      maxAttempts: this.cfg.maxAttempts,
      backoffBaseMs: this.cfg.backoffBaseMs,
    };
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

  /** Any 2xx is a success; anything else is retried, unless `final` (endpoint disabled). */
  private async record(
    id: string,
    attempt: number,
    result: { statusCode?: number; error?: string },
    final: boolean,
  ): Promise<void> {
    const ok =
      result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300;
    const verdict = ok ? 'succeeded' : final ? 'give-up' : 'retry';
    const outcome = await this.deliveries.record(this.kind, id, attempt, result, verdict);
    this.outcomes.inc({ outcome });
  }
}
