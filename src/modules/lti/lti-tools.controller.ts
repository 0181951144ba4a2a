import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../../common/decorators/auth.decorator';
import { Paginated } from '../../common/dto/paginated';
import { PaginationQueryDto } from '../../common/dto/pagination-query.dto';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { CreateLtiToolDto, UpdateLtiToolDto } from './dto/lti-tool.dto';
import { LtiToolResponse } from './dto/lti-tool.response';
import { LtiToolsService } from './lti-tools.service';
import { Idempotent } from '../../infra/idempotency/idempotent.decorator';

@ApiTags('lti')
@Auth('admin')
@Controller('lti/tools')
export class LtiToolsController {
  constructor(private readonly tools: LtiToolsService) {}

  @Post()
  @Idempotent()
  @ApiOperation({
    summary: 'Register an LTI 1.3 tool (admin)',
    description: '`clientId` is generated when absent; every tool gets its own `deploymentId`.',
  })
  @ApiEnvelope(LtiToolResponse, { status: 201, errors: [409, 422] })
  create(@Body() body: CreateLtiToolDto): Promise<LtiToolResponse> {
    return this.tools.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'Registered tools, newest first (admin)' })
  @ApiEnvelope(LtiToolResponse, { paginated: true, errors: [422] })
  list(@Query() query: PaginationQueryDto): Promise<Paginated<LtiToolResponse>> {
    return this.tools.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One tool (admin)' })
  @ApiEnvelope(LtiToolResponse, { errors: [404, 422] })
  get(@Param('id', uuidParam()) id: string): Promise<LtiToolResponse> {
    return this.tools.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a tool (admin)' })
  @ApiEnvelope(LtiToolResponse, { errors: [404, 409, 422] })
  update(
    @Param('id', uuidParam()) id: string,
    @Body() body: UpdateLtiToolDto,
  ): Promise<LtiToolResponse> {
    return this.tools.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a tool (admin); 409 LTI_TOOL_IN_USE while lessons launch it',
  })
  @ApiEnvelope(null, { status: 204, errors: [404, 409, 422] })
  async remove(@Param('id', uuidParam()) id: string): Promise<void> {
    await this.tools.remove(id);
  }
}
