import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/roles';
import type { AfterErasure } from '../../common/personal-data/personal-data-section';
import { Clock } from '../../common/time/clock';
import { domainEventJob } from '../../infra/outbox/domain-event';
import { OutboxService } from '../../infra/outbox/outbox.service';
import { AuditLog } from '../audit/audit-log.service';
import { LastActiveAdminError, UserNotFoundError } from '../users/users.errors';
import { UsersService } from '../users/users.service';
import { PersonalDataSections } from './personal-data-sections';
import { OwnErasureByIdError } from './privacy.errors';

/**
 * Export and erasure of a user's personal data, section by section (see PersonalDataSection):
 * this service only orders the work, each module knows its own rows.
 */
@Injectable()
export class PrivacyService {
  private readonly logger = new Logger(PrivacyService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sections: PersonalDataSections,
    private readonly users: UsersService,
    private readonly audit: AuditLog,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /**
   * The caller's data as one JSON document, produced in pieces: one section at a time, one value
   * at a time, so that the response streams and no large string is built.
   */
  async export(caller: AuthenticatedUser): Promise<AsyncIterable<string>> {
    await this.users.getById(caller.id);
    return this.documentOf(caller.id);
  }

  private async *documentOf(userId: string): AsyncIterable<string> {
    const exportedAt = this.clock.now().toISOString();
    yield `{"exportedAt":${JSON.stringify(exportedAt)},"userId":${JSON.stringify(userId)}`;
    for (const section of this.sections.all()) {
      if (!section.export) continue;
      const items = section.export(userId);
      yield `,${JSON.stringify(section.key)}:`;
      if (section.kind === 'object') {
        let value: unknown = null;
        for await (const item of items) value = item;
        yield JSON.stringify(value);
        continue;
      }
      let first = true;
      for await (const item of items) {
        yield (first ? '[' : ',') + JSON.stringify(item);
        first = false;
      }
      yield first ? '[]' : ']';
    }
    yield '}\n';
  }

  /** POST /users/me/erase: the password first (counted like every password check). */
  async eraseSelf(caller: AuthenticatedUser, password: string, ip: string): Promise<void> {
    await this.users.verifyPassword(caller.id, password, ip);
    await this.erase(caller.id);
  }

  /** POST /users/:id/erase (admin); an admin's own account goes through /users/me/erase. */
  async eraseById(caller: AuthenticatedUser, id: string): Promise<void> {
    if (caller.id === id) throw new OwnErasureByIdError();
    await this.erase(id);
  }

  /**
   * One transaction: the account's row is locked (and, for an active admin, every active
   * admin's first, so that parallel erasures of the last two admins leave one), then the
   * `user.erased` audit event and webhook event, then every section's erasure (the profile last). Idempotent: an
   * erased account is left as it is, with no second event. Work that cannot be rolled back
   * (stored files, cache entries) runs after the commit.
   */
  private async erase(id: string): Promise<void> {
    const after: AfterErasure[] = [];
    const erased = await this.dataSource.transaction(async (manager) => {
      const state = await this.users.lockForErasure(manager, id);
      if (!state) throw new UserNotFoundError();
      if (state.erased) return false;
      if (state.lastActiveAdmin) throw new LastActiveAdminError('erased');
      await this.audit.record(manager, { action: 'user.erased', resourceId: id });
      await this.outbox.add(manager, domainEventJob('user.erased', { id }));
      for (const section of this.sections.forErasure()) {
        const work = await section.erase(manager, id);
        if (work) after.push(work);
      }
      return true;
    });
    if (!erased) return;
    const outcomes = await Promise.allSettled(after.map((work) => work()));
    const failed = outcomes.filter((outcome) => outcome.status === 'rejected').length;
    if (failed > 0) this.logger.error(`erasure of a user: ${failed} after-commit step(s) failed`);
  }
}
