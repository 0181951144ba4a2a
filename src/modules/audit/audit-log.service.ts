import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Role } from '../../common/auth/roles';
import { Paginated } from '../../common/dto/paginated';
import { currentRequestScope } from '../../common/http/request-scope';
import { AUDIT_ACTIONS, AuditAction } from './audit-actions';
import { AuditFilter, AuditRepository } from './audit.repository';
import { AuditEventResponse, toAuditEventResponse } from './dto/audit-event.response';
import type { AuditEvent } from './entities/audit-event.entity';

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
    await this.events.insert(manager, rowOf(entry));
  }

  /**
   * Several events in one INSERT, in the caller's transaction (the accounts a bulk import
   * creates); each entry is resolved as by `record`.
   */
  async recordMany(manager: EntityManager, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.events.insertMany(manager, entries.map(rowOf));
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

function rowOf(entry: AuditEntry): Omit<AuditEvent, 'id' | 'occurredAt'> {
  const scope = currentRequestScope();
  const actor = entry.actor !== undefined ? entry.actor : (scope?.actor ?? null);
  return {
    actorId: actor?.id ?? null,
    actorRole: actor?.role ?? null,
    action: entry.action,
    resourceType: AUDIT_ACTIONS[entry.action],
    resourceId: entry.resourceId,
    requestId: scope?.requestId || null,
    ip: scope?.ip ? scope.ip.slice(0, 64) : null,
    changes: entry.changes ?? {},
  };
}
