import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const SUBMISSION_STATUSES = ['submitted', 'graded'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export interface RubricScore {
  criterion: string;
  points: number;
}

@Entity({ name: 'submissions' })
export class Submission {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  assignmentId: string;

  @Column({ type: 'uuid' })
  studentId: string;

  @Column({ type: 'uuid' })
  enrollmentId: string;

  @Column({ type: 'int' })
  version: number;

  @Column({ type: 'text', nullable: true })
  text: string | null;

  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  fileIds: string[];

  @Column({ type: 'timestamptz' })
  submittedAt: Date;

  @Column({ type: 'boolean' })
  late: boolean;

  @Column({ type: 'varchar', length: 20, default: 'submitted' })
  status: SubmissionStatus;

  /** numeric: the driver returns strings; the mapper converts them. */
  @Column({ type: 'numeric', precision: 8, scale: 2, nullable: true })
  score: string | null;

  @Column({ type: 'numeric', precision: 8, scale: 2, nullable: true })
  finalScore: string | null;

  @Column({ type: 'text', nullable: true })
  feedback: string | null;

  @Column({ type: 'jsonb', nullable: true })
  rubricScores: RubricScore[] | null;

  @Column({ type: 'timestamptz', nullable: true })
  gradedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  graderId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
