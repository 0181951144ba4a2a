import { Body, Controller, Delete, HttpCode, Param, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { QuestionResponse } from './dto/question.response';
import { UpdateQuestionDto } from './dto/update-question.dto';
import { QuizzesService } from './quizzes.service';

@ApiTags('quizzes')
@Controller('questions')
export class QuestionsController {
  constructor(private readonly quizzes: QuizzesService) {}

  @Patch(':id')
  @Auth()
  @ApiOperation({ summary: 'Change a question (owner, admin); the result must fit its type' })
  @ApiEnvelope(QuestionResponse, { errors: [403, 404, 422] })
  update(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: UpdateQuestionDto,
  ): Promise<QuestionResponse> {
    return this.quizzes.updateQuestion(id, caller, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth()
  @ApiOperation({ summary: 'Delete a question (owner, admin)' })
  @ApiEnvelope(null, { status: 204, errors: [403, 404, 422] })
  async remove(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<void> {
    await this.quizzes.removeQuestion(id, caller);
  }
}
