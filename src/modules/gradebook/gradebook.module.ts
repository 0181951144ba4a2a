import { Module } from '@nestjs/common';
import { CoursesModule } from '../courses/courses.module';
import { GradebookController } from './gradebook.controller';
import { GradebookRepository } from './gradebook.repository';
import { GradebookService } from './gradebook.service';

/**
 * The gradebook is its own module rather than part of assignments: it reads quizzes and
 * assignments alike (read-only SQL aggregates over both modules' tables), and neither of those
 * modules should depend on the other to serve it.
 */
@Module({
  imports: [CoursesModule],
  controllers: [GradebookController],
  providers: [GradebookService, GradebookRepository],
})
export class GradebookModule {}
