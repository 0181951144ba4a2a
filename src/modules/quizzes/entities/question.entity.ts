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
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** multiple_choice: an option; multiple_select: options; true_false: boolean; short_answer: accepted strings. */
export type CorrectAnswer = string | string[] | boolean;

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
  @Column({ type: 'jsonb' })
  correctAnswer: CorrectAnswer;

  @Column({ type: 'int', default: 1 })
  points: number;

  @Column({ type: 'int' })
  position: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
