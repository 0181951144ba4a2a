import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';

@Injectable()
export class WebhooksRepository {
  constructor(
    @InjectRepository(WebhookEndpoint) private readonly endpoints: Repository<WebhookEndpoint>,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
  ) {}

  async insertEndpoint(
    manager: EntityManager,
    data: Partial<WebhookEndpoint>,
  ): Promise<WebhookEndpoint> {
    const repo = manager.getRepository(WebhookEndpoint);
    const result = await repo.insert(data);
    return repo.findOneByOrFail({ id: (result.identifiers[0] as { id: string }).id });
  }

  findEndpoint(id: string): Promise<WebhookEndpoint | null> {
    return this.endpoints.findOneBy({ id });
  }

  findEndpointWithSecret(id: string): Promise<WebhookEndpoint | null> {
    return this.endpoints
      .createQueryBuilder('e')
      .addSelect('e.secret')
      .where('e.id = :id', { id })
      .getOne();
  }

  findEndpointPage(offset: number, limit: number): Promise<[WebhookEndpoint[], number]> {
    return this.endpoints.findAndCount({
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: offset,
      take: limit,
    });
  }

  /** False when the endpoint no longer exists. */
  async updateEndpoint(
    manager: EntityManager,
    id: string,
    changes: Partial<WebhookEndpoint>,
  ): Promise<boolean> {
    const result = await manager.getRepository(WebhookEndpoint).update({ id }, changes);
    return (result.affected ?? 0) > 0;
  }

  /** True when this call deleted it (a concurrent delete gives false). */
  async deleteEndpoint(manager: EntityManager, id: string): Promise<boolean> {
    const result = await manager.getRepository(WebhookEndpoint).delete({ id });
    return (result.affected ?? 0) > 0;
  }

  /** Active endpoints subscribed to this event type (GIN index on `events`). */
  subscribers(manager: EntityManager, eventType: string): Promise<WebhookEndpoint[]> {
    return manager
      .getRepository(WebhookEndpoint)
      .createQueryBuilder('e')
      .where('e.is_active AND e.events @> ARRAY[:eventType]::text[]', { eventType })
      .getMany();
  }

  /**
   * One delivery per endpoint and event: a fan-out that runs twice creates nothing new.
   * Returns the ids of the deliveries created now.
   */
  async insertDeliveries(
    manager: EntityManager,
    endpointIds: string[],
    event: { id: string; type: string; payload: object },
  ): Promise<string[]> {
    if (endpointIds.length === 0) return [];
    const rows = await manager.query<Array<{ id: string }>>(
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, payload, next_attempt_at)
       SELECT endpoint_id, $2, $3, $4::jsonb, now() FROM unnest($1::uuid[]) AS endpoint_id
       ON CONFLICT (endpoint_id, event_id) DO NOTHING RETURNING id`,
      [endpointIds, event.id, event.type, JSON.stringify(event.payload)],
    );
    return rows.map((row) => row.id);
  }

  findDelivery(id: string): Promise<WebhookDelivery | null> {
    return this.deliveries.findOneBy({ id });
  }

  async updateDelivery(id: string, changes: Partial<WebhookDelivery>): Promise<void> {
    await this.deliveries.update({ id }, changes);
  }

  findDeliveryPage(
    endpointId: string,
    offset: number,
    limit: number,
  ): Promise<[WebhookDelivery[], number]> {
    return this.deliveries.findAndCount({
      where: { endpointId },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: offset,
      take: limit,
    });
  }

  /**
   * Erasure: deliveries whose event is about the user (the user, or a resource of theirs as
   * student or instructor) keep only the resource id in `data`, marked `erased`; deliveries
   * still pending then send that.
   */
  async reduceEventsAbout(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(
      `UPDATE webhook_deliveries
          SET payload = jsonb_set(payload, '{data}',
                jsonb_build_object('id', payload->'data'->'id', 'erased', true)),
              updated_at = now()
        WHERE payload->'data'->>'id' = $1
           OR payload->'data'->>'studentId' = $1
           OR payload->'data'->'student'->>'id' = $1
           OR payload->'data'->'instructor'->>'id' = $1`,
      [userId],
    );
  }
}
