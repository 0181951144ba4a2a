import { AuditModule } from '../audit/audit.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CoursesModule } from '../courses/courses.module';
import { EnrollmentsModule } from '../enrollments/enrollments.module';
import { FilesModule } from '../files/files.module';
import { UsersModule } from '../users/users.module';
import { AssignmentsController } from './assignments.controller';
import { AssignmentsRepository } from './assignments.repository';
import { AssignmentsService } from './assignments.service';
import { Assignment } from './entities/assignment.entity';
import { Submission } from './entities/submission.entity';
import { SubmissionsController } from './submissions.controller';
import { SubmissionsRepository } from './submissions.repository';
import { SubmissionsService } from './submissions.service';
import { SubmissionsPersonalData } from './submissions.personal-data';

@Module({
  imports: [
    AuditModule,
    TypeOrmModule.forFeature([Assignment, Submission]),
    CoursesModule,
    EnrollmentsModule,
    FilesModule,
    UsersModule,
  ],
  controllers: [AssignmentsController, SubmissionsController],
  providers: [
    SubmissionsPersonalData,
    AssignmentsService,
    AssignmentsRepository,
    SubmissionsService,
    SubmissionsRepository,
  ],
  exports: [AssignmentsService],
})
export class AssignmentsModule {}
