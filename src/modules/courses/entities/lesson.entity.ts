import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const CONTENT_TYPES = ['video', 'text', 'document', 'lti'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

@Entity({ name: 'lessons' })
export class Lesson {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  courseId: string;

  /** The module it belongs to, or null (courses without modules). */
  @Column({ type: 'uuid', nullable: true })
  moduleId: string | null;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text', nullable: true })
  content: string | null;

  @Column({ type: 'varchar', length: 20 })
  contentType: ContentType;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  videoUrl: string | null;

  @Column({ type: 'int', nullable: true })
  durationMinutes: number | null;

  /** 1-based, contiguous within the course. */
  @Column({ type: 'int' })
  position: number;

  @Column({ type: 'boolean', default: false })
  isPreview: boolean;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;

  /** The LTI tool an `lti` lesson launches (null for other types). */
  @Column({ type: 'uuid', nullable: true })
  ltiToolId: string | null;

  /** Custom parameters sent to the tool in the launch (`lti` lessons only). */
  @Column({ type: 'jsonb', nullable: true })
  ltiCustom: Record<string, string> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
