import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { AttemptsService } from './attempts.service';
import {
  AttemptDetailResponse,
  AttemptResponse,
  StartedAttemptResponse,
} from './dto/attempt.response';
import { GradeAttemptDto } from './dto/grade-attempt.dto';
import { ListAttemptsQuery } from './dto/list-attempts.query';
import { SubmitAttemptDto } from './dto/submit-attempt.dto';
import { Idempotent } from '../../infra/idempotency/idempotent.decorator';

@ApiTags('attempts')
@Controller()
export class AttemptsController {
  constructor(private readonly attempts: AttemptsService) {}

  @Post('quizzes/:id/attempts')
  @Idempotent()
  @Auth()
  @ApiOperation({
    summary: 'Start an attempt (enrolled students)',
    description:
      'Returns the questions without answers, in this attempt’s order (shuffled once when the ' +
      'quiz says so). 409 ATTEMPT_IN_PROGRESS while an unexpired attempt is open; 403 ' +
      'MAX_ATTEMPTS_REACHED when maxAttempts is used up (expired attempts count).',
  })
  @ApiEnvelope(StartedAttemptResponse, { status: 201, errors: [403, 404, 409, 422] })
  start(
    @Param('id', uuidParam()) quizId: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<StartedAttemptResponse> {
    return this.attempts.start(quizId, caller);
  }

  @Get('quizzes/:id/attempts')
  @Auth()
  @ApiOperation({
    summary: 'Attempts of a quiz',
    description:
      'Your own; the course’s instructor and admins see all (or one `studentId`). ' +
      '`gradingStatus=pending` lists the submitted attempts waiting for a person to grade essays.',
  })
  @ApiEnvelope(AttemptResponse, { isArray: true, errors: [403, 404, 422] })
  list(
    @Param('id', uuidParam()) quizId: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: ListAttemptsQuery,
  ): Promise<AttemptResponse[]> {
    return this.attempts.list(quizId, caller, query);
  }

  @Get('attempts/:id')
  @Auth()
  @ApiOperation({
    summary: 'One attempt, with results once submitted (student, course owner, admin)',
    description:
      'With the attempt’s questions as the student sees them (the drawn set in its order, ' +
      'options in its order), never their answers; the same on every read.',
  })
  @ApiEnvelope(AttemptDetailResponse, { errors: [403, 404, 422] })
  get(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<AttemptDetailResponse> {
    return this.attempts.get(id, caller);
  }

  @Post('attempts/:id/submit')
  @HttpCode(200)
  @Auth()
  @ApiOperation({
    summary: 'Submit answers (the student)',
    description:
      'Graded on the server; unanswered questions score 0. 400 for answers to questions outside ' +
      'the quiz or two answers to one question; 409 when already submitted; 409 ATTEMPT_EXPIRED ' +
      'after expiresAt + 30 s (the attempt is recorded as expired with score 0). A passed quiz ' +
      'tied to a lesson completes that lesson.',
  })
  @ApiEnvelope(AttemptResponse, { errors: [400, 403, 404, 409, 422] })
  submit(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: SubmitAttemptDto,
  ): Promise<AttemptResponse> {
    return this.attempts.submit(id, caller, body.answers);
  }

  @Post('attempts/:id/grade')
  @HttpCode(200)
  @Auth()
  @ApiOperation({
    summary: 'Grade the essays of a submitted attempt (course owner, admin)',
    description:
      'Each grade gives an essay question of the attempt 0 to its points (422 otherwise); other ' +
      'questions, or two grades of one essay, are 400. Essays may be graded over several ' +
      'requests; when none is left, gradingStatus becomes graded, score, percentage and passed ' +
      'are final, a passed quiz tied to a lesson completes it and quiz.attempt.graded is sent. ' +
      '409 ATTEMPT_NOT_PENDING_GRADING when the attempt is not waiting for grading.',
  })
  @ApiEnvelope(AttemptResponse, { errors: [400, 403, 404, 409, 422] })
  grade(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: GradeAttemptDto,
  ): Promise<AttemptResponse> {
    return this.attempts.grade(id, caller, body.grades);
  }
}
