import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const JOB_TYPES = ['bulk_enrollment'] as const;
export type JobType = (typeof JOB_TYPES)[number];

/** A background job started over HTTP, with its progress (`GET /jobs/:id`). */
@Entity({ name: 'jobs' })
export class Job {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 50 })
  type: JobType;

  @Column({ type: 'varchar', length: 20, default: 'queued' })
  status: JobStatus;

  @Column({ type: 'uuid' })
  createdById: string;

  @Column({ type: 'uuid', nullable: true })
  courseId: string | null;

  @Column({ type: 'boolean', default: false })
  createMissingUsers: boolean;

  @Column({ type: 'int', default: 0 })
  total: number;

  @Column({ type: 'int', default: 0 })
  processed: number;

  @Column({ type: 'int', default: 0 })
  succeeded: number;

  @Column({ type: 'int', default: 0 })
  failed: number;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  errors: Array<{ row: number; email: string; message: string }>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
