import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { CourseCache } from './course-cache';
import { CoursesController } from './courses.controller';
import { CoursesRepository } from './courses.repository';
import { CoursesService } from './courses.service';
import { Course } from './entities/course.entity';
import { Lesson } from './entities/lesson.entity';
import { LessonsController } from './lessons.controller';
import { LessonsRepository } from './lessons.repository';
import { LessonsService } from './lessons.service';

@Module({
  imports: [TypeOrmModule.forFeature([Course, Lesson]), UsersModule],
  controllers: [CoursesController, LessonsController],
  providers: [CoursesService, CoursesRepository, LessonsService, LessonsRepository, CourseCache],
  exports: [CoursesService, LessonsService],
})
export class CoursesModule {}
