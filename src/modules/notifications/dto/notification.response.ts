import { ApiProperty } from '@nestjs/swagger';
import { NOTIFICATION_RESOURCES, NOTIFICATION_TYPES } from '../entities/notification.entity';
import type {
  Notification,
  NotificationResource,
  NotificationType,
} from '../entities/notification.entity';

export class NotificationResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: NOTIFICATION_TYPES }) type: NotificationType;
  @ApiProperty() title: string;
  @ApiProperty() body: string;
  @ApiProperty({ enum: NOTIFICATION_RESOURCES }) resourceType: NotificationResource;
  @ApiProperty({ format: 'uuid' }) resourceId: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt: string | null;
}

/** The fields a notification row carries, as the repository reads them. */
export type NotificationRow = Omit<Notification, 'dedupeKey'>;

export function toNotificationResponse(row: NotificationRow): NotificationResponse {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    body: row.body,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    createdAt: new Date(row.createdAt).toISOString(),
    readAt: row.readAt ? new Date(row.readAt).toISOString() : null,
  };
}
