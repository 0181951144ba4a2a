import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsUUID } from 'class-validator';
import { PaginationQueryDto } from '../../../common/dto/pagination-query.dto';
import { AUDIT_ACTION_NAMES, AUDIT_RESOURCE_TYPES } from '../audit-actions';
import type { AuditAction, AuditResourceType } from '../audit-actions';

export class ListAuditEventsQuery extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Events of this actor' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTION_NAMES })
  @IsOptional()
  @IsIn(AUDIT_ACTION_NAMES)
  action?: AuditAction;

  @ApiPropertyOptional({ enum: AUDIT_RESOURCE_TYPES })
  @IsOptional()
  @IsIn(AUDIT_RESOURCE_TYPES)
  resourceType?: AuditResourceType;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  resourceId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events at or after this instant' })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events at or before this instant' })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;
}
