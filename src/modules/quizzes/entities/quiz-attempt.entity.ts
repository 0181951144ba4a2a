import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { QuestionResult } from '../grading';

export const ATTEMPT_STATUSES = ['in_progress', 'submitted', 'expired'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/** auto: no person needed; pending: submitted with essays not yet graded; graded: essays graded. */
export const GRADING_STATUSES = ['auto', 'pending', 'graded'] as const;
export type GradingStatus = (typeof GRADING_STATUSES)[number];

@Entity({ name: 'quiz_attempts' })
export class QuizAttempt {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  quizId: string;

  @Column({ type: 'uuid' })
  studentId: string;

  @Column({ type: 'uuid' })
  enrollmentId: string;

  @Column({ type: 'int' })
  attemptNumber: number;

  @Column({ type: 'varchar', length: 20, default: 'in_progress' })
  status: AttemptStatus;

  @Column({ type: 'timestamptz' })
  startedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  /**
   * Question ids in the order this attempt shows them: drawn (pools) and shuffled once at the
   * start, then fixed; the attempt is graded on exactly these.
   */
  @Column({ type: 'jsonb' })
  questionOrder: string[];

  /** With `shuffleOptions`: each choice question's options in this attempt's order. */
  @Column({ type: 'jsonb', nullable: true })
  optionOrders: Record<string, string[]> | null;

  @Column({ type: 'varchar', length: 20, default: 'auto' })
  gradingStatus: GradingStatus;

  @Column({ type: 'jsonb', nullable: true })
  answers: Array<{ questionId: string; answer: unknown }> | null;

  @Column({ type: 'jsonb', nullable: true })
  results: QuestionResult[] | null;

  @Column({ type: 'int', nullable: true })
  score: number | null;

  @Column({ type: 'int', nullable: true })
  maxScore: number | null;

  /** numeric(5,2): a string from the driver, a number in responses. */
  @Column({ type: 'numeric', precision: 5, scale: 2, nullable: true })
  percentage: string | null;

  @Column({ type: 'boolean', nullable: true })
  passed: boolean | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
