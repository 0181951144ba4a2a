import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export interface QuizDraw {
  pool: string;
  count: number;
}

@Entity({ name: 'quizzes' })
export class Quiz {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  courseId: string;

  @Column({ type: 'uuid', nullable: true })
  lessonId: string | null;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'int', nullable: true })
  timeLimitMinutes: number | null;

  @Column({ type: 'int', default: 70 })
  passingScorePercentage: number;

  @Column({ type: 'boolean', default: false })
  shuffleQuestions: boolean;

  /** Options of choice questions in a random order per attempt, fixed for the attempt. */
  @Column({ type: 'boolean', default: false })
  shuffleOptions: boolean;

  /** When set, each attempt draws `count` random questions from each named pool. */
  @Column({ type: 'jsonb', nullable: true })
  draw: QuizDraw[] | null;

  @Column({ type: 'int', nullable: true })
  maxAttempts: number | null;

  @Column({ type: 'boolean', default: true })
  showCorrectAnswers: boolean;

  @Column({ type: 'boolean', default: false })
  isPublished: boolean;

  /**
   * Moved on by database triggers at every change of the quiz or of its questions (migration
   * QuizDefinitionVersion): what QuizDefinitions checks its in-memory copy against. Never
   * written by the application.
   */
  @Column({ type: 'int', default: 1 })
  definitionVersion: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
