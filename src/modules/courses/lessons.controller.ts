import { Body, Controller, Delete, Get, HttpCode, Param, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { LessonOutlineResponse, LessonResponse } from './dto/lesson.response';
import { ReorderLessonsDto } from './dto/reorder-lessons.dto';
import { UpdateLessonDto } from './dto/update-lesson.dto';
import { LessonsService } from './lessons.service';

@ApiTags('lessons')
@Controller('lessons')
export class LessonsController {
  constructor(private readonly lessons: LessonsService) {}

  // Declared before `:id` so that "reorder" is not taken for a lesson id.
  @Patch('reorder')
  @Auth()
  @ApiOperation({
    summary: 'Reorder the lessons of a course (owner, admin)',
    description: '`lessonIds` must list every lesson of the course exactly once (422 otherwise).',
  })
  @ApiEnvelope(LessonOutlineResponse, { isArray: true, errors: [403, 404, 422] })
  reorder(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: ReorderLessonsDto,
  ): Promise<LessonOutlineResponse[]> {
    return this.lessons.reorder(body.courseId, caller, body.lessonIds);
  }

  @Get(':id')
  @Auth()
  @ApiOperation({
    summary: 'A full lesson',
    description:
      'For the course’s instructor, admins, enrolled students, and anyone authenticated when the ' +
      'lesson is a preview of a published course; 403 otherwise.',
  })
  @ApiEnvelope(LessonResponse, { errors: [403, 404, 422] })
  get(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<LessonResponse> {
    return this.lessons.get(id, caller);
  }

  @Patch(':id')
  @Auth()
  @ApiOperation({ summary: 'Change a lesson (owner, admin); a new position moves the others' })
  @ApiEnvelope(LessonResponse, { errors: [403, 404, 422] })
  update(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: UpdateLessonDto,
  ): Promise<LessonResponse> {
    return this.lessons.update(id, caller, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth()
  @ApiOperation({ summary: 'Delete a lesson (owner, admin); positions stay contiguous' })
  @ApiEnvelope(null, { status: 204, errors: [403, 404, 422] })
  async remove(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<void> {
    await this.lessons.remove(id, caller);
  }
}
