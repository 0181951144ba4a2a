import { ApiProperty } from '@nestjs/swagger';
import { ROLES } from '../../../common/auth/roles';
import type { Role } from '../../../common/auth/roles';
import { AUDIT_ACTION_NAMES, AUDIT_RESOURCE_TYPES } from '../audit-actions';
import type { AuditEvent } from '../entities/audit-event.entity';

export class AuditActorResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ROLES, description: 'The role at the time of the action' }) role: Role;
}

export class AuditEventResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({
    type: AuditActorResponse,
    nullable: true,
    description: 'null for changes made by the system (jobs)',
  })
  actor: AuditActorResponse | null;
  @ApiProperty({ enum: AUDIT_ACTION_NAMES }) action: string;
  @ApiProperty({ enum: AUDIT_RESOURCE_TYPES }) resourceType: string;
  @ApiProperty({ format: 'uuid' }) resourceId: string;
  @ApiProperty({ type: String, nullable: true, description: 'X-Request-ID of the request' })
  requestId: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Client address; null outside requests and once the actor was erased',
  })
  ip: string | null;
  @ApiProperty({
    type: Object,
    description: 'What changed (e.g. `{"role": {"from": "student", "to": "instructor"}}`)',
  })
  changes: Record<string, unknown>;
}

export function toAuditEventResponse(event: AuditEvent): AuditEventResponse {
  return {
    id: event.id,
    occurredAt: event.occurredAt.toISOString(),
    actor: event.actorId && event.actorRole ? { id: event.actorId, role: event.actorRole } : null,
    action: event.action,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    requestId: event.requestId,
    ip: event.ip,
    changes: event.changes,
  };
}
