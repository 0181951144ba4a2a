import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../../common/decorators/auth.decorator';
import { Paginated } from '../../common/dto/paginated';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { AuditLog } from './audit-log.service';
import { AuditEventResponse } from './dto/audit-event.response';
import { ListAuditEventsQuery } from './dto/list-audit-events.query';

@ApiTags('audit')
@Controller('audit-events')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @Auth('admin')
  @ApiOperation({
    summary: 'The audit log, newest first (admin)',
    description:
      'Security-relevant changes (role and status changes, publications, revocations, grades, ' +
      'webhooks, MFA, passwords, erasures), each written in the transaction of its change. The ' +
      'table refuses UPDATE and DELETE; erasing a user removes the IP of their actions and the ' +
      'email recorded about their account.',
  })
  @ApiEnvelope(AuditEventResponse, { paginated: true, errors: [422] })
  list(@Query() query: ListAuditEventsQuery): Promise<Paginated<AuditEventResponse>> {
    return this.audit.list(
      {
        actorId: query.actorId,
        action: query.action,
        resourceType: query.resourceType,
        resourceId: query.resourceId,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      },
      query.page,
      query.pageSize,
    );
  }
}
