import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { DeliveryRecord } from '../../../infra/delivery/delivery-record.entity';

/** One event for one endpoint, with the outcome of its latest attempt. */
@Entity({ name: 'webhook_deliveries' })
export class WebhookDelivery extends DeliveryRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  endpointId: string;

  @Column({ type: 'uuid' })
  eventId: string;

  @Column({ type: 'varchar', length: 64 })
  eventType: string;

  /** The request body, exactly as signed and sent: `{id, type, timestamp, data}`. */
  @Column({ type: 'jsonb' })
  payload: object;
}
