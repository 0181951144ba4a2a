import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { AnalyticsService } from './analytics.service';
import {
  CourseAnalyticsResponse,
  InstructorAnalyticsResponse,
  StudentAnalyticsResponse,
  SystemAnalyticsResponse,
} from './dto/analytics.response';
import { InstructorAnalyticsQuery } from './dto/instructor-analytics.query';

const CACHED = 'Cached for 60 seconds. Rates are fractions 0..1, percentages 0..100.';

@ApiTags('analytics')
@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('student')
  @Auth()
  @ApiOperation({ summary: 'Your own learning figures', description: CACHED })
  @ApiEnvelope(StudentAnalyticsResponse)
  student(@CurrentUser() caller: AuthenticatedUser): Promise<StudentAnalyticsResponse> {
    return this.analytics.student(caller);
  }

  @Get('instructor')
  @Auth('instructor', 'admin')
  @ApiOperation({
    summary: 'Figures of an instructor’s courses',
    description: `Instructors: their own. Admins: \`instructorId\` (default themselves). ${CACHED}`,
  })
  @ApiEnvelope(InstructorAnalyticsResponse, { errors: [422] })
  instructor(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: InstructorAnalyticsQuery,
  ): Promise<InstructorAnalyticsResponse> {
    return this.analytics.instructor(caller, query.instructorId);
  }

  @Get('courses/:id')
  @Auth()
  @ApiOperation({ summary: 'Figures of one course (its instructor, admins)', description: CACHED })
  @ApiEnvelope(CourseAnalyticsResponse, { errors: [403, 404, 422] })
  course(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<CourseAnalyticsResponse> {
    return this.analytics.course(id, caller);
  }

  @Get('system')
  @Auth('admin')
  @ApiOperation({ summary: 'Platform-wide figures (admin)', description: CACHED })
  @ApiEnvelope(SystemAnalyticsResponse)
  system(): Promise<SystemAnalyticsResponse> {
    return this.analytics.system();
  }
}
