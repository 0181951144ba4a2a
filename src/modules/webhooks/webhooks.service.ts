import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Paginated } from '../../common/dto/paginated';
import { PaginationQueryDto } from '../../common/dto/pagination-query.dto';
import { webhooksConfig } from '../../config/configuration';
import { SecretBox } from '../../infra/crypto/secret-box';
import { DomainEvent } from '../../infra/outbox/domain-event';
import { OutboxService } from '../../infra/outbox/outbox.service';
import { AuditLog } from '../audit/audit-log.service';
import { CreateWebhookDto, UpdateWebhookDto } from './dto/create-webhook.dto';
import {
  CreatedWebhookResponse,
  toDeliveryResponse,
  toWebhookResponse,
  WebhookDeliveryResponse,
  WebhookResponse,
  WebhookTestResponse,
} from './dto/webhook.response';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';
import { targetProblem } from '../../common/http/target-guard';
import { deliverJob } from './webhook-delivery.service';
import { newWebhookSecret } from './webhook-signature';
import { WebhooksRepository } from './webhooks.repository';
import { WebhookNotFoundError, WebhookTargetRefusedError } from './webhooks.errors';

/** Admin management of webhook endpoints. The secret is sealed at rest and shown once. */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly webhooks: WebhooksRepository,
    private readonly outbox: OutboxService,
    private readonly secrets: SecretBox,
    @Inject(webhooksConfig.KEY) private readonly cfg: ConfigType<typeof webhooksConfig>,
    private readonly audit: AuditLog,
  ) {}

  async create(caller: AuthenticatedUser, dto: CreateWebhookDto): Promise<CreatedWebhookResponse> {
    await this.assertTargetAllowed(dto.url);
    const secret = newWebhookSecret();
    const endpoint = await this.dataSource.transaction(async (manager) => {
      const row = await this.webhooks.insertEndpoint(manager, {
        url: dto.url,
        events: dto.events,
        description: dto.description ?? null,
        secret: this.secrets.seal(secret),
        createdById: caller.id,
      });
      // The secret never goes into the log.
      const changes = { url: row.url, events: row.events };
      await this.audit.record(manager, { action: 'webhook.created', resourceId: row.id, changes });
      return row;
    });
    return { ...toWebhookResponse(endpoint), secret };
  }

  async list(query: PaginationQueryDto): Promise<Paginated<WebhookResponse>> {
    const [rows, total] = await this.webhooks.findEndpointPage(
      Paginated.offset(query.page, query.pageSize),
      query.pageSize,
    );
    return new Paginated(rows.map(toWebhookResponse), total, query.page, query.pageSize);
  }

  async get(id: string): Promise<WebhookResponse> {
    return toWebhookResponse(await this.find(id));
  }

  async update(id: string, dto: UpdateWebhookDto): Promise<WebhookResponse> {
    await this.find(id);
    if (dto.url !== undefined) await this.assertTargetAllowed(dto.url);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.webhooks.updateEndpoint(manager, id, dto))) return;
      await this.audit.record(manager, {
        action: 'webhook.updated',
        resourceId: id,
        changes: { ...dto },
      });
    });
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    const endpoint = await this.find(id);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.webhooks.deleteEndpoint(manager, id))) return;
      const changes = { url: endpoint.url };
      await this.audit.record(manager, { action: 'webhook.deleted', resourceId: id, changes });
    });
  }

  async deliveries(
    id: string,
    query: PaginationQueryDto,
  ): Promise<Paginated<WebhookDeliveryResponse>> {
    await this.find(id);
    const [rows, total] = await this.webhooks.findDeliveryPage(
      id,
      Paginated.offset(query.page, query.pageSize),
      query.pageSize,
    );
    return new Paginated(rows.map(toDeliveryResponse), total, query.page, query.pageSize);
  }

  /** A `webhook.test` event for this endpoint only, delivered like any other. */
  async sendTest(id: string): Promise<WebhookTestResponse> {
    const endpoint = await this.find(id);
    const event: DomainEvent = {
      id: randomUUID(),
      type: 'webhook.test',
      timestamp: new Date().toISOString(),
      data: { endpointId: endpoint.id, message: 'This is a test event from the LMS.' },
    };
    const [deliveryId] = await this.dataSource.transaction(async (manager) => {
      const ids = await this.webhooks.insertDeliveries(manager, [endpoint.id], {
        id: event.id,
        type: event.type,
        payload: event,
      });
      await this.outbox.add(manager, ...ids.map(deliverJob));
      return ids;
    });
    return { eventId: event.id, deliveryId };
  }

  private async find(id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.webhooks.findEndpoint(id);
    if (!endpoint) throw new WebhookNotFoundError();
    return endpoint;
  }

  private async assertTargetAllowed(url: string): Promise<void> {
    const problem = await targetProblem(url, this.cfg.allowPrivateTargets);
    if (problem) throw new WebhookTargetRefusedError(problem);
  }
}
