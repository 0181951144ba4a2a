import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CoursesModule } from '../courses/courses.module';
import { UsersModule } from '../users/users.module';
import { CourseReview } from './entities/course-review.entity';
import { ReviewsController } from './reviews.controller';
import { ReviewsPersonalData } from './reviews.personal-data';
import { ReviewsRepository } from './reviews.repository';
import { ReviewsService } from './reviews.service';

/** Course reviews and the course's rating totals (EnrollmentsService comes from its global module). */
@Module({
  imports: [TypeOrmModule.forFeature([CourseReview]), CoursesModule, UsersModule],
  controllers: [ReviewsController],
  providers: [ReviewsService, ReviewsRepository, ReviewsPersonalData],
})
export class ReviewsModule {}
