import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  PersonalDataSection,
  PersonalDataSectionProvider,
} from '../../common/personal-data/personal-data-section';
import { toNotificationResponse } from './dto/notification.response';
import { NotificationsRepository } from './notifications.repository';

/**
 * The user's notifications, as GET /notifications shows them. Erasure deletes them, and takes the
 * user's name out of the notifications others got about them.
 */
@Injectable()
@PersonalDataSectionProvider()
export class NotificationsPersonalData implements PersonalDataSection {
  readonly key = 'notifications';
  readonly kind = 'list';

  constructor(private readonly notifications: NotificationsRepository) {}

  async *export(userId: string): AsyncIterable<unknown> {
    for (const row of await this.notifications.allOf(userId)) yield toNotificationResponse(row);
  }

  async erase(manager: EntityManager, userId: string): Promise<void> {
    await this.notifications.eraseUser(manager, userId);
  }
}
