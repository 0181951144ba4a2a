import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Paginated } from '../../common/dto/paginated';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { RosterEntryResponse } from './dto/enrollment.response';
import { ListEnrollmentsQuery } from './dto/list-enrollments.query';
import { EnrollmentsService } from './enrollments.service';

@ApiTags('enrollments')
@Controller('courses/:id/enrollments')
export class CourseEnrollmentsController {
  constructor(private readonly enrollments: EnrollmentsService) {}

  @Get()
  @Auth()
  @ApiOperation({
    summary: 'Course roster (the course’s instructor, admins)',
    description: 'Enrollments with the student’s id, name and email, newest first.',
  })
  @ApiEnvelope(RosterEntryResponse, { paginated: true, errors: [403, 404, 422] })
  roster(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: ListEnrollmentsQuery,
  ): Promise<Paginated<RosterEntryResponse>> {
    return this.enrollments.roster(id, caller, query);
  }
}
