import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { OptionalAuth } from '../../common/decorators/optional-auth.decorator';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { AssignmentsService } from './assignments.service';
import { AssignmentResponse } from './dto/assignment.response';
import { CreateAssignmentDto } from './dto/create-assignment.dto';
import { UpdateAssignmentDto } from './dto/update-assignment.dto';
import { Idempotent } from '../../infra/idempotency/idempotent.decorator';

@ApiTags('assignments')
@Controller()
export class AssignmentsController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Get('courses/:id/assignments')
  @OptionalAuth()
  @ApiOperation({
    summary: 'Assignments of a course',
    description:
      'For anyone who can see the course; only the instructor and admins see unpublished ones.',
  })
  @ApiEnvelope(AssignmentResponse, { isArray: true, errors: [401, 404, 422] })
  list(
    @Param('id', uuidParam()) courseId: string,
    @CurrentUser() caller?: AuthenticatedUser,
  ): Promise<AssignmentResponse[]> {
    return this.assignments.listForCourse(courseId, caller);
  }

  @Post('courses/:id/assignments')
  @Idempotent()
  @Auth()
  @ApiOperation({
    summary: 'Create an assignment, unpublished (owner, admin)',
    description: 'A rubric must have 1-20 criteria whose points add up to maxPoints (422).',
  })
  @ApiEnvelope(AssignmentResponse, { status: 201, errors: [403, 404, 422] })
  create(
    @Param('id', uuidParam()) courseId: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: CreateAssignmentDto,
  ): Promise<AssignmentResponse> {
    return this.assignments.create(courseId, caller, body);
  }

  @Get('assignments/:id')
  @OptionalAuth()
  @ApiOperation({ summary: 'One assignment (unpublished ones: owner and admins only)' })
  @ApiEnvelope(AssignmentResponse, { errors: [401, 404, 422] })
  get(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller?: AuthenticatedUser,
  ): Promise<AssignmentResponse> {
    return this.assignments.get(id, caller);
  }

  @Patch('assignments/:id')
  @Auth()
  @ApiOperation({ summary: 'Change an assignment (owner, admin)' })
  @ApiEnvelope(AssignmentResponse, { errors: [403, 404, 422] })
  update(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: UpdateAssignmentDto,
  ): Promise<AssignmentResponse> {
    return this.assignments.update(id, caller, body);
  }

  @Delete('assignments/:id')
  @HttpCode(204)
  @Auth()
  @ApiOperation({ summary: 'Delete an assignment with its submissions (owner, admin)' })
  @ApiEnvelope(null, { status: 204, errors: [403, 404, 422] })
  async remove(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<void> {
    await this.assignments.remove(id, caller);
  }

  @Post('assignments/:id/publish')
  @HttpCode(200)
  @Auth()
  @ApiOperation({ summary: 'Publish an assignment (owner, admin); idempotent' })
  @ApiEnvelope(AssignmentResponse, { errors: [403, 404, 422] })
  publish(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<AssignmentResponse> {
    return this.assignments.publish(id, caller);
  }
}
