import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../../../common/auth/roles';

/**
 * One audited action. Append-only: a trigger refuses UPDATE and DELETE, except the erasure of
 * personal data (see the AuditLog migration).
 */
@Entity({ name: 'audit_events' })
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'timestamptz', default: () => "date_trunc('milliseconds', clock_timestamp())" })
  occurredAt: Date;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  actorRole: Role | null;

  @Column({ type: 'varchar', length: 60 })
  action: string;

  @Column({ type: 'varchar', length: 40 })
  resourceType: string;

  @Column({ type: 'uuid' })
  resourceId: string;

  @Column({ type: 'varchar', length: 128, nullable: true })
  requestId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  changes: Record<string, unknown>;
}
