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

  /** Question ids in the order this attempt shows them (drawn once when shuffling). */
  @Column({ type: 'jsonb' })
  questionOrder: string[];

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
