import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  PersonalDataSection,
  PersonalDataSectionProvider,
} from '../../common/personal-data/personal-data-section';
import { WebhooksRepository } from './webhooks.repository';

/**
 * The webhook delivery log holds copies of events about the user (`user.registered` with their
 * email, `certificate.issued` with their name...). Not exported (an admin's log of what was sent
 * to integrators); erasure reduces those events to the resource id.
 */
@Injectable()
@PersonalDataSectionProvider()
export class WebhooksPersonalData implements PersonalDataSection {
  readonly key = 'webhookDeliveries';
  readonly kind = 'list';

  constructor(private readonly webhooks: WebhooksRepository) {}

  async erase(manager: EntityManager, userId: string): Promise<void> {
    await this.webhooks.reduceEventsAbout(manager, userId);
  }
}
