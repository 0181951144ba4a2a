import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { OptionalAuth } from '../../common/decorators/optional-auth.decorator';
import { Paginated } from '../../common/dto/paginated';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { CoursesService } from './courses.service';
import { CourseResponse } from './dto/course.response';
import { CreateCourseDto } from './dto/create-course.dto';
import { CreateLessonDto } from './dto/create-lesson.dto';
import { LessonOutlineResponse, LessonResponse } from './dto/lesson.response';
import { ListCoursesQuery } from './dto/list-courses.query';
import { UpdateCourseDto } from './dto/update-course.dto';
import { LessonsService } from './lessons.service';
import { Idempotent } from '../../infra/idempotency/idempotent.decorator';

const DRAFTS = 'Drafts are 404 to everyone but their instructor and admins.';

@ApiTags('courses')
@Controller('courses')
export class CoursesController {
  constructor(
    private readonly courses: CoursesService,
    private readonly lessons: LessonsService,
  ) {}

  @Get()
  @OptionalAuth()
  @ApiOperation({
    summary: 'Course catalogue',
    description:
      'Published courses; admins see all; `mine=true` lists the caller’s own courses, drafts ' +
      'included. Sortable by createdAt and title (`-` for descending).',
  })
  @ApiEnvelope(CourseResponse, { paginated: true, errors: [401, 422] })
  list(
    @Query() query: ListCoursesQuery,
    @CurrentUser() caller?: AuthenticatedUser,
  ): Promise<Paginated<CourseResponse>> {
    return this.courses.list(query, caller);
  }

  @Post()
  @Idempotent()
  @Auth('instructor', 'admin')
  @ApiOperation({
    summary: 'Create a course (unpublished)',
    description:
      'The slug is generated from the title when absent and made unique; a given slug that is taken is 409.',
  })
  @ApiEnvelope(CourseResponse, { status: 201, errors: [409, 422] })
  create(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: CreateCourseDto,
  ): Promise<CourseResponse> {
    return this.courses.create(caller, body);
  }

  @Get('slug/:slug')
  @OptionalAuth()
  @ApiOperation({ summary: 'One course by slug', description: DRAFTS })
  @ApiEnvelope(CourseResponse, { errors: [401, 404] })
  getBySlug(
    @Param('slug') slug: string,
    @CurrentUser() caller?: AuthenticatedUser,
  ): Promise<CourseResponse> {
    return this.courses.getBySlug(slug, caller);
  }

  @Get(':id')
  @OptionalAuth()
  @ApiOperation({ summary: 'One course', description: DRAFTS })
  @ApiEnvelope(CourseResponse, { errors: [401, 404, 422] })
  get(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller?: AuthenticatedUser,
  ): Promise<CourseResponse> {
    return this.courses.getById(id, caller);
  }

  @Patch(':id')
  @Auth()
  @ApiOperation({ summary: 'Change a course (owner, admin); isPublished is not writable here' })
  @ApiEnvelope(CourseResponse, { errors: [403, 404, 409, 422] })
  update(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: UpdateCourseDto,
  ): Promise<CourseResponse> {
    return this.courses.update(id, caller, body);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @Auth()
  @ApiOperation({ summary: 'Publish (owner, admin)', description: 'Emits `course.published`.' })
  @ApiEnvelope(CourseResponse, { errors: [403, 404, 422] })
  publish(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<CourseResponse> {
    return this.courses.publish(id, caller);
  }

  @Post(':id/unpublish')
  @HttpCode(200)
  @Auth()
  @ApiOperation({ summary: 'Back to draft (owner, admin)' })
  @ApiEnvelope(CourseResponse, { errors: [403, 404, 422] })
  unpublish(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<CourseResponse> {
    return this.courses.unpublish(id, caller);
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth()
  @ApiOperation({
    summary: 'Delete a course with its lessons, quizzes and enrollments (owner, admin)',
  })
  @ApiEnvelope(null, { status: 204, errors: [403, 404, 422] })
  async remove(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<void> {
    await this.courses.remove(id, caller);
  }

  @Get(':id/lessons')
  @OptionalAuth()
  @ApiOperation({
    summary: 'Lesson outline, by position',
    description: `Without content or videoUrl, for anyone who can see the course. ${DRAFTS}`,
  })
  @ApiEnvelope(LessonOutlineResponse, { isArray: true, errors: [401, 404, 422] })
  outline(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller?: AuthenticatedUser,
  ): Promise<LessonOutlineResponse[]> {
    return this.lessons.outline(id, caller);
  }

  @Post(':id/lessons')
  @Idempotent()
  @Auth()
  @ApiOperation({
    summary: 'Add a lesson (owner, admin)',
    description: '`position` defaults to last + 1; videoUrl only on video lessons.',
  })
  @ApiEnvelope(LessonResponse, { status: 201, errors: [403, 404, 422] })
  createLesson(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: CreateLessonDto,
  ): Promise<LessonResponse> {
    return this.lessons.create(id, caller, body);
  }
}
