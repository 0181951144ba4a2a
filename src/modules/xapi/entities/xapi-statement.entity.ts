import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DeliveryRecord } from '../../../infra/delivery/delivery-record.entity';

/** One xAPI statement for the LRS, with the outcome of its latest delivery attempt. */
@Entity({ name: 'xapi_statements' })
export class XapiStatementRow extends DeliveryRecord {
  /** The statement id (UUIDv5 of the domain event id). */
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'uuid' })
  eventId: string;

  @Column({ type: 'varchar', length: 64 })
  eventType: string;

  @Column({ type: 'jsonb' })
  statement: object;
}
