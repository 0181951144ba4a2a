import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { UsersModule } from '../users/users.module';
import { CourseCache } from './course-cache';
import { CoursesController } from './courses.controller';
import { CoursesRepository } from './courses.repository';
import { CoursesService } from './courses.service';
import { Course } from './entities/course.entity';
import { LearningModule } from './entities/learning-module.entity';
import { Lesson } from './entities/lesson.entity';
import { CourseWrites } from './course-writes';
import { LearningModulesController } from './learning-modules.controller';
import { LearningModulesRepository } from './learning-modules.repository';
import { LearningModulesService } from './learning-modules.service';
import { LessonLocksService } from './lesson-locks.service';
import { LessonsController } from './lessons.controller';
import { LessonsRepository } from './lessons.repository';
import { LessonsService } from './lessons.service';

@Module({
  imports: [TypeOrmModule.forFeature([Course, Lesson, LearningModule]), UsersModule, AuditModule],
  controllers: [CoursesController, LessonsController, LearningModulesController],
  providers: [
    CoursesService,
    CoursesRepository,
    LessonsService,
    LessonsRepository,
    LearningModulesService,
    LearningModulesRepository,
    CourseWrites,
    CourseCache,
    LessonLocksService,
  ],
  exports: [CoursesService, LessonsService, LessonLocksService],
})
export class CoursesModule {}
