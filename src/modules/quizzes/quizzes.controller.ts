import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { OptionalAuth } from '../../common/decorators/optional-auth.decorator';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { CreateQuestionDto } from './dto/create-question.dto';
import { CreateQuizDto } from './dto/create-quiz.dto';
import { QuestionResponse } from './dto/question.response';
import { QuizResponse } from './dto/quiz.response';
import { UpdateQuizDto } from './dto/update-quiz.dto';
import { QuizzesService } from './quizzes.service';
import { Idempotent } from '../../infra/idempotency/idempotent.decorator';

@ApiTags('quizzes')
@Controller()
export class QuizzesController {
  constructor(private readonly quizzes: QuizzesService) {}

  @Get('courses/:id/quizzes')
  @OptionalAuth()
  @ApiOperation({
    summary: 'Quizzes of a course',
    description:
      'For anyone who can see the course; only the instructor and admins see unpublished ones.',
  })
  @ApiEnvelope(QuizResponse, { isArray: true, errors: [401, 404, 422] })
  list(
    @Param('id', uuidParam()) courseId: string,
    @CurrentUser() caller?: AuthenticatedUser,
  ): Promise<QuizResponse[]> {
    return this.quizzes.listForCourse(courseId, caller);
  }

  @Post('courses/:id/quizzes')
  @Idempotent()
  @Auth()
  @ApiOperation({ summary: 'Create a quiz, unpublished (owner, admin)' })
  @ApiEnvelope(QuizResponse, { status: 201, errors: [403, 404, 422] })
  create(
    @Param('id', uuidParam()) courseId: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: CreateQuizDto,
  ): Promise<QuizResponse> {
    return this.quizzes.create(courseId, caller, body);
  }

  @Get('quizzes/:id')
  @OptionalAuth()
  @ApiOperation({ summary: 'One quiz with questionCount and totalPoints' })
  @ApiEnvelope(QuizResponse, { errors: [401, 404, 422] })
  get(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller?: AuthenticatedUser,
  ): Promise<QuizResponse> {
    return this.quizzes.get(id, caller);
  }

  @Patch('quizzes/:id')
  @Auth()
  @ApiOperation({ summary: 'Change a quiz (owner, admin)' })
  @ApiEnvelope(QuizResponse, { errors: [403, 404, 422] })
  update(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: UpdateQuizDto,
  ): Promise<QuizResponse> {
    return this.quizzes.update(id, caller, body);
  }

  @Delete('quizzes/:id')
  @HttpCode(204)
  @Auth()
  @ApiOperation({ summary: 'Delete a quiz with its questions and attempts (owner, admin)' })
  @ApiEnvelope(null, { status: 204, errors: [403, 404, 422] })
  async remove(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<void> {
    await this.quizzes.remove(id, caller);
  }

  @Post('quizzes/:id/publish')
  @HttpCode(200)
  @Auth()
  @ApiOperation({ summary: 'Publish a quiz (owner, admin); 422 without questions' })
  @ApiEnvelope(QuizResponse, { errors: [403, 404, 422] })
  publish(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<QuizResponse> {
    return this.quizzes.publish(id, caller);
  }

  @Get('quizzes/:id/questions')
  @Auth()
  @ApiOperation({
    summary: 'Questions with their answers (owner, admin)',
    description:
      'Students get 403: they receive questions, without answers, by starting an attempt.',
  })
  @ApiEnvelope(QuestionResponse, { isArray: true, errors: [403, 404, 422] })
  questions(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<QuestionResponse[]> {
    return this.quizzes.questions(id, caller);
  }

  @Post('quizzes/:id/questions')
  @Idempotent()
  @Auth()
  @ApiOperation({
    summary: 'Add a question (owner, admin)',
    description:
      'options and correctAnswer must fit the type (422 otherwise); points default to 1.',
  })
  @ApiEnvelope(QuestionResponse, { status: 201, errors: [403, 404, 422] })
  addQuestion(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: CreateQuestionDto,
  ): Promise<QuestionResponse> {
    return this.quizzes.addQuestion(id, caller, body);
  }
}
