import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CoursesModule } from '../courses/courses.module';
import { EnrollmentGateway } from '../courses/enrollment.gateway';
import { UsersModule } from '../users/users.module';
import { CompletionJobs } from './completion-jobs';
import { CourseEnrollmentsController } from './course-enrollments.controller';
import { Enrollment } from './entities/enrollment.entity';
import { LessonProgress } from './entities/lesson-progress.entity';
import { EnrollmentGatewayProvider } from './enrollment-gateway.provider';
import { EnrollmentPresenter } from './enrollment.presenter';
import { EnrollmentsController } from './enrollments.controller';
import { EnrollmentsRepository } from './enrollments.repository';
import { EnrollmentsService } from './enrollments.service';
import { EnrollmentsPersonalData } from './enrollments.personal-data';

/**
 * Global only to hand the courses module its EnrollmentGateway (courses cannot import this module,
 * which imports courses).
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Enrollment, LessonProgress]), CoursesModule, UsersModule],
  controllers: [EnrollmentsController, CourseEnrollmentsController],
  providers: [
    EnrollmentsPersonalData,
    EnrollmentsService,
    EnrollmentsRepository,
    EnrollmentPresenter,
    CompletionJobs,
    { provide: EnrollmentGateway, useClass: EnrollmentGatewayProvider },
  ],
  exports: [EnrollmentsService, EnrollmentGateway],
})
export class EnrollmentsModule {}
