import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'lesson_progress' })
export class LessonProgress {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  enrollmentId: string;

  @Column({ type: 'uuid' })
  lessonId: string;

  @Column({ type: 'boolean', default: true })
  completed: boolean;

  /** Null while the row only records time and position. */
  @Column({ type: 'timestamptz', nullable: true, default: () => 'now()' })
  completedAt: Date | null;

  /** Where the student is in the lesson (a video's playhead), null until reported. */
  @Column({ type: 'int', nullable: true })
  positionSeconds: number | null;

  /** Sum of the reported time deltas. */
  @Column({ type: 'int', default: 0 })
  timeSpentSeconds: number;
}
