import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A job written in the same transaction as the change that caused it. The relay moves unsent rows
 * to their queue, so a job is never lost because Redis or the worker was down at write time.
 */
@Entity({ name: 'outbox_messages' })
@Index('ix_outbox_messages_unsent', ['createdAt'], { where: 'sent_at IS NULL' })
export class OutboxMessage {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 64 })
  queue: string;

  @Column({ type: 'varchar', length: 128 })
  name: string;

  @Column({ type: 'jsonb' })
  payload: object;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ type: 'int', default: 0 })
  relayAttempts: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  lastError: string | null;
}
