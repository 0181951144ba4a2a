import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const QUESTION_TYPES = [
  'multiple_choice',
  'multiple_select',
  'true_false',
  'short_answer',
  'numeric',
  'essay',
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/**
 * multiple_choice: an option; multiple_select: options; true_false: boolean; short_answer:
 * accepted strings; numeric: a number; essay: none (null), a person grades it.
 */
export type CorrectAnswer = string | string[] | boolean | number | null;

/** Types whose options may be shown in a per-attempt order (`shuffleOptions`). */
export const CHOICE_TYPES: readonly QuestionType[] = ['multiple_choice', 'multiple_select'];

@Entity({ name: 'questions' })
export class Question {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  quizId: string;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'varchar', length: 20 })
  type: QuestionType;

  @Column({ type: 'jsonb', nullable: true })
  options: string[] | null;

  /** Never leaves the API except to the quiz's owner and admins, or in results when allowed. */
  @Column({ type: 'jsonb', nullable: true })
  correctAnswer: CorrectAnswer;

  /** numeric only: how far an answer may be from correctAnswer and still be right. */
  @Column({ type: 'double precision', nullable: true })
  tolerance: number | null;

  /** The pool a quiz's `draw` picks this question from; null = not drawn when the quiz draws. */
  @Column({ type: 'varchar', length: 50, nullable: true })
  pool: string | null;

  /** Shown in results only when the quiz shows correct answers. */
  @Column({ type: 'text', nullable: true })
  explanation: string | null;

  @Column({ type: 'int', default: 1 })
  points: number;

  @Column({ type: 'int' })
  position: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
