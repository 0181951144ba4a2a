import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  PersonalDataSection,
  PersonalDataSectionProvider,
} from '../../common/personal-data/personal-data-section';
import { AuditRepository } from './audit.repository';
import { toAuditEventResponse } from './dto/audit-event.response';

/**
 * The user's own audited actions (with the IP they came from). Erasure keeps every event (the
 * log is evidence) but removes the personal data in them: see AuditRepository.erasePersonalData.
 */
@Injectable()
@PersonalDataSectionProvider()
export class AuditPersonalData implements PersonalDataSection {
  readonly key = 'auditEvents';
  readonly kind = 'list';

  constructor(private readonly events: AuditRepository) {}

  async *export(userId: string): AsyncIterable<unknown> {
    for (const event of await this.events.findByActor(userId)) yield toAuditEventResponse(event);
  }

  async erase(manager: EntityManager, userId: string): Promise<void> {
    await this.events.erasePersonalData(manager, userId);
  }
}
