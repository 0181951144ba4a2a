import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const SUBMISSION_TYPES = ['text', 'file'] as const;
export type SubmissionType = (typeof SUBMISSION_TYPES)[number];

export interface RubricCriterion {
  criterion: string;
  points: number;
  description: string | null;
}

@Entity({ name: 'assignments' })
export class Assignment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  courseId: string;

  @Column({ type: 'uuid', nullable: true })
  lessonId: string | null;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text', nullable: true })
  instructions: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  dueAt: Date | null;

  @Column({ type: 'int', default: 100 })
  maxPoints: number;

  @Column({ type: 'int', default: 60 })
  passingScorePercentage: number;

  @Column({ type: 'jsonb' })
  submissionTypes: SubmissionType[];

  @Column({ type: 'boolean', default: true })
  allowLateSubmissions: boolean;

  @Column({ type: 'int', default: 0 })
  latePenaltyPercent: number;

  @Column({ type: 'boolean', default: true })
  allowResubmission: boolean;

  @Column({ type: 'jsonb', nullable: true })
  rubric: RubricCriterion[] | null;

  @Column({ type: 'boolean', default: false })
  isPublished: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
