import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { OptionalAuth } from '../../common/decorators/optional-auth.decorator';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { CreateModuleDto } from './dto/create-module.dto';
import { ModuleResponse, ModuleWithLessonsResponse } from './dto/module.response';
import { ReorderModulesDto } from './dto/reorder-modules.dto';
import { UpdateModuleDto } from './dto/update-module.dto';
import { LearningModulesService } from './learning-modules.service';
import { Idempotent } from '../../infra/idempotency/idempotent.decorator';

const LOCKING =
  'For a student enrolled in the course, each module and lesson carries `state` ' +
  '`{status: locked|available|completed, unlocksAt, reasons: [prerequisites|schedule|sequence]}`: ' +
  'a module is locked until its prerequisite modules are complete, until `unlockAt` and until ' +
  '`unlockAfterDays` after enrollment; with `requireSequentialProgress` each lesson waits for the ' +
  'previous one. Owners and admins are never locked out.';

@ApiTags('modules')
@Controller()
export class LearningModulesController {
  constructor(private readonly modules: LearningModulesService) {}

  @Get('courses/:id/modules')
  @OptionalAuth()
  @ApiOperation({
    summary: 'Modules of a course with their lessons, by position',
    description: LOCKING,
  })
  @ApiEnvelope(ModuleWithLessonsResponse, { isArray: true, errors: [401, 404, 422] })
  list(
    @Param('id', uuidParam()) courseId: string,
    @CurrentUser() caller?: AuthenticatedUser,
  ): Promise<ModuleWithLessonsResponse[]> {
    return this.modules.list(courseId, caller);
  }

  @Post('courses/:id/modules')
  @Idempotent()
  @Auth()
  @ApiOperation({
    summary: 'Add a module (owner, admin)',
    description:
      '`position` defaults to last + 1. Prerequisites must be other modules of the course and ' +
      'must not form a cycle (422).',
  })
  @ApiEnvelope(ModuleResponse, { status: 201, errors: [403, 404, 422] })
  create(
    @Param('id', uuidParam()) courseId: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: CreateModuleDto,
  ): Promise<ModuleResponse> {
    return this.modules.create(courseId, caller, body);
  }

  // Declared before `modules/:id` so that "reorder" is not taken for a module id.
  @Patch('modules/reorder')
  @Auth()
  @ApiOperation({
    summary: 'Reorder the modules of a course (owner, admin)',
    description: '`moduleIds` must list every module of the course exactly once (422 otherwise).',
  })
  @ApiEnvelope(ModuleResponse, { isArray: true, errors: [403, 404, 422] })
  reorder(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: ReorderModulesDto,
  ): Promise<ModuleResponse[]> {
    return this.modules.reorder(body.courseId, caller, body.moduleIds);
  }

  @Patch('modules/:id')
  @Auth()
  @ApiOperation({ summary: 'Change a module (owner, admin); a new position moves the others' })
  @ApiEnvelope(ModuleResponse, { errors: [403, 404, 422] })
  update(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: UpdateModuleDto,
  ): Promise<ModuleResponse> {
    return this.modules.update(id, caller, body);
  }

  @Delete('modules/:id')
  @Auth()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete an empty module (owner, admin)',
    description: '409 MODULE_NOT_EMPTY while it holds lessons; prerequisites on it are removed.',
  })
  @ApiEnvelope(null, { status: 204, errors: [403, 404, 409, 422] })
  async remove(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<void> {
    await this.modules.remove(id, caller);
  }
}
