import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Role } from '../../common/auth/roles';
import { Paginated } from '../../common/dto/paginated';
import { currentRequestScope } from '../../common/http/request-scope';
import { AUDIT_ACTIONS, AuditAction } from './audit-actions';
import { AuditFilter, AuditRepository } from './audit.repository';
import { AuditEventResponse, toAuditEventResponse } from './dto/audit-event.response';

export interface AuditEntry {
  action: AuditAction;
  resourceId: string;
  /** What changed; never secrets or password hashes. */
  changes?: Record<string, unknown>;
  /**
   * Who acted, when not the authenticated caller of the request being served (a registration
   * acts as the new account). Without a request scope (jobs) and without this, the actor is null.
   */
  actor?: { id: string; role: Role } | null;
}

/**
 * The audit log. `record` writes one event in the caller's transaction (so a change that rolls
 * back leaves no event); actor, request id and client IP come from the request scope.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly events: AuditRepository) {}

  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    const scope = currentRequestScope();
    const actor = entry.actor !== undefined ? entry.actor : (scope?.actor ?? null);
    await this.events.insert(manager, {
      actorId: actor?.id ?? null,
      actorRole: actor?.role ?? null,
      action: entry.action,
      resourceType: AUDIT_ACTIONS[entry.action],
      resourceId: entry.resourceId,
      requestId: scope?.requestId || null,
      ip: scope?.ip ? scope.ip.slice(0, 64) : null,
      changes: entry.changes ?? {},
    });
  }

  async list(
    filter: AuditFilter,
    page: number,
    pageSize: number,
  ): Promise<Paginated<AuditEventResponse>> {
    const [rows, total] = await this.events.findPage(
      filter,
      Paginated.offset(page, pageSize),
      pageSize,
    );
    return new Paginated(rows.map(toAuditEventResponse), total, page, pageSize);
  }
}
