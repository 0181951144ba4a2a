import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Paginated } from '../../common/dto/paginated';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { EnrollDto } from './dto/enroll.dto';
import { EnrollmentDetailResponse, EnrollmentResponse } from './dto/enrollment.response';
import { LessonTimeDto } from './dto/lesson-time.dto';
import { ListEnrollmentsQuery } from './dto/list-enrollments.query';
import { EnrollmentsService } from './enrollments.service';
import { Idempotent } from '../../infra/idempotency/idempotent.decorator';

@ApiTags('enrollments')
@Controller('enrollments')
export class EnrollmentsController {
  constructor(private readonly enrollments: EnrollmentsService) {}

  @Post()
  @Idempotent()
  @Auth()
  @ApiOperation({
    summary: 'Enroll in a published course (students)',
    description:
      '201 with a new enrollment, 200 with the existing one when already enrolled; a dropped ' +
      'enrollment is reactivated (200, progress kept; `completed` again when it was). Drafts are ' +
      '404; other roles 403. Sends a confirmation mail and emits `enrollment.created`.',
  })
  @ApiEnvelope(EnrollmentResponse, { status: 201, errors: [403, 404, 422] })
  @ApiEnvelope(EnrollmentResponse, { status: 200, description: 'Already enrolled' })
  async enroll(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: EnrollDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EnrollmentResponse> {
    const outcome = await this.enrollments.enroll(caller, body.courseId);
    res.status(outcome.created ? 201 : 200);
    return outcome.enrollment;
  }

  @Get('my-courses')
  @Auth()
  @ApiOperation({ summary: 'The caller’s enrollments, newest first' })
  @ApiEnvelope(EnrollmentResponse, { paginated: true, errors: [422] })
  myCourses(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: ListEnrollmentsQuery,
  ): Promise<Paginated<EnrollmentResponse>> {
    return this.enrollments.myEnrollments(caller, query);
  }

  @Get(':id')
  @Auth()
  @ApiOperation({
    summary: 'One enrollment with its lessons',
    description: 'For the student, the course’s instructor and admins; 403 for others.',
  })
  @ApiEnvelope(EnrollmentDetailResponse, { errors: [403, 404, 422] })
  get(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<EnrollmentDetailResponse> {
    return this.enrollments.get(id, caller);
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth()
  @ApiOperation({
    summary: 'Drop an enrollment (the student, the course’s instructor, admins)',
    description:
      'Status `dropped`; progress is kept and enrolling again reactivates it. A dropped student ' +
      'gets 403 on the course’s lessons (previews aside), quizzes and assignments, and leaves ' +
      'the gradebook; the roster keeps them with status `dropped`. Idempotent: ' +
      '`enrollment.dropped` is emitted once.',
  })
  @ApiEnvelope(null, { status: 204, errors: [403, 404, 422] })
  async drop(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<void> {
    await this.enrollments.drop(id, caller);
  }

  @Post(':id/lessons/:lessonId/complete')
  @HttpCode(200)
  @Auth()
  @ApiOperation({
    summary: 'Mark a lesson completed (the enrolled student)',
    description:
      'Idempotent; 404 when the lesson is not in the course. Completing the last lesson completes ' +
      'the enrollment: a certificate is issued and a mail sent in the background.',
  })
  @ApiEnvelope(EnrollmentDetailResponse, { errors: [403, 404, 422] })
  complete(
    @Param('id', uuidParam()) id: string,
    @Param('lessonId', uuidParam('lessonId')) lessonId: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<EnrollmentDetailResponse> {
    return this.enrollments.completeLesson(id, lessonId, caller);
  }

  @Put(':id/lessons/:lessonId/progress')
  @Auth()
  @ApiOperation({
    summary: 'Record time spent on a lesson and the position in it (the enrolled student)',
    description:
      '`timeSpentSeconds` (1-3,600) is a delta added to the lesson’s total in one statement, so ' +
      'parallel reports add up exactly; `positionSeconds` replaces the position when given. ' +
      'Does not complete the lesson. 404 when the lesson is not in the course; 403 for a ' +
      'dropped enrollment or a locked lesson (LESSON_LOCKED).',
  })
  @ApiEnvelope(EnrollmentDetailResponse, { errors: [403, 404, 422] })
  recordTime(
    @Param('id', uuidParam()) id: string,
    @Param('lessonId', uuidParam('lessonId')) lessonId: string,
    @Body() body: LessonTimeDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<EnrollmentDetailResponse> {
    return this.enrollments.recordLessonTime(id, lessonId, body, caller);
  }
}
