import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The kinds of notification (contract 1.1). */
export const NOTIFICATION_TYPES = [
  'submission.graded',
  'attempt.graded',
  'certificate.issued',
  'assignment.published',
  'assignment.submitted',
  'assignment.due_soon',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const NOTIFICATION_RESOURCES = [
  'submission',
  'attempt',
  'certificate',
  'assignment',
] as const;
export type NotificationResource = (typeof NOTIFICATION_RESOURCES)[number];

/** One notification of one user; `dedupeKey` makes it happen once (see the migration). */
@Entity({ name: 'notifications' })
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 40 })
  type: NotificationType;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'varchar', length: 40 })
  resourceType: NotificationResource;

  @Column({ type: 'uuid' })
  resourceId: string;

  @Column({ type: 'varchar', length: 200 })
  dedupeKey: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  readAt: Date | null;
}
