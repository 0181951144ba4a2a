import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/**
 * A module of a course ("learning module": `Module` is NestJS' word): ordered lessons released on
 * a schedule, after prerequisite modules, optionally one after the other.
 */
@Entity({ name: 'course_modules' })
export class LearningModule {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  courseId: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** 1-based, contiguous within the course. */
  @Column({ type: 'int' })
  position: number;

  @Column({ type: 'timestamptz', nullable: true })
  unlockAt: Date | null;

  @Column({ type: 'int', nullable: true })
  unlockAfterDays: number | null;

  @Column({ type: 'boolean', default: false })
  requireSequentialProgress: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
