import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { NotFoundError } from '../../common/errors/app-error';
import { Paginated } from '../../common/dto/paginated';
import { Clock } from '../../common/time/clock';
import { AccessTokens } from '../auth/access-tokens';
import { ListNotificationsQuery } from './dto/list-notifications.query';
import {
  NotificationResponse,
  NotificationRow,
  toNotificationResponse,
} from './dto/notification.response';
import { NotificationStreams } from './notification-streams';
import {
  NewNotification,
  NotificationsRepository,
  NotificationTemplate,
} from './notifications.repository';
import type { SseStream } from './sse-stream';

/**
 * A user's own notifications (others' are 404: their existence is not revealed), and the write
 * side used by the event consumers: every write returns only the rows it created, which are then
 * streamed, so a notification is stored and streamed once.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly streams: NotificationStreams,
    private readonly clock: Clock,
    private readonly accessTokens: AccessTokens,
  ) {}

  async list(
    caller: AuthenticatedUser,
    query: ListNotificationsQuery,
  ): Promise<Paginated<NotificationResponse>> {
    const [rows, total] = await this.notifications.page(
      caller.id,
      query.unread,
      Paginated.offset(query.page, query.pageSize),
      query.pageSize,
    );
    return new Paginated(rows.map(toNotificationResponse), total, query.page, query.pageSize);
  }

  /** Idempotent: reading a read notification keeps its first readAt. */
  async read(id: string, caller: AuthenticatedUser): Promise<NotificationResponse> {
    const row = await this.notifications.markRead(id, caller.id, this.clock.now());
    if (!row) throw new NotFoundError('Notification');
    return toNotificationResponse(row);
  }

  async readAll(caller: AuthenticatedUser): Promise<void> {
    await this.notifications.markAllRead(caller.id, this.clock.now());
  }

  /** Streams the caller's new notifications to `sink` until the returned function is called. */
  /**
   * The caller's live stream, open while the access token that opened it holds: checked before
   * every event (nothing is sent after a logout or deactivation) and at every keep-alive (an idle
   * stream ends within 25 s).
   */
  openStream(caller: AuthenticatedUser, token: string, stream: SseStream): Promise<() => void> {
    const check = () => this.accessTokens.stillValid(token, caller.id);
    stream.endUnless(check);
    return this.streams.open(caller.id, stream, check);
  }

  async notify(rows: NewNotification[]): Promise<number> {
    return this.stream(await this.notifications.insert(rows));
  }

  async notifyEnrolled(courseId: string, template: NotificationTemplate): Promise<number> {
    return this.stream(await this.notifications.insertForEnrolled(courseId, template));
  }

  async notifyDueSoon(): Promise<number> {
    return this.stream(await this.notifications.insertDueSoon(this.clock.now()));
  }

  private async stream(rows: NotificationRow[]): Promise<number> {
    await this.streams.publish(
      rows.map((row) => ({ userId: row.userId, notification: toNotificationResponse(row) })),
    );
    return rows.length;
  }
}
