import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { CoursesModule } from '../courses/courses.module';
import { UsersModule } from '../users/users.module';
import { BulkEnrollmentRunner } from './bulk-enrollment.runner';
import { BulkEnrollmentsController } from './bulk-enrollments.controller';
import { Job } from './entities/job.entity';
import { ImportsPersonalData } from './imports.personal-data';
import { ImportsService } from './imports.service';
import { JobsRepository } from './jobs.repository';

/** Bulk enrollment jobs (EnrollmentsService comes from its global module). */
@Module({
  imports: [TypeOrmModule.forFeature([Job]), CoursesModule, UsersModule, AuthModule],
  controllers: [BulkEnrollmentsController],
  providers: [ImportsService, JobsRepository, BulkEnrollmentRunner, ImportsPersonalData],
})
export class ImportsModule {}
