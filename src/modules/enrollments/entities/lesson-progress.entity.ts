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

  @Column({ type: 'timestamptz', default: () => 'now()' })
  completedAt: Date;
}
