import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Paginated } from '../../common/dto/paginated';
import { ApiEnvelope, ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { ListNotificationsQuery } from './dto/list-notifications.query';
import { NotificationResponse } from './dto/notification.response';
import { NotificationsService } from './notifications.service';
import { SseStream } from './sse-stream';
import { bearerToken } from '../auth/access-tokens';

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Auth()
  @ApiOperation({ summary: 'My notifications, newest first (`unread=true`: unread only)' })
  @ApiEnvelope(NotificationResponse, { paginated: true, errors: [422] })
  list(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: ListNotificationsQuery,
  ): Promise<Paginated<NotificationResponse>> {
    return this.notifications.list(caller, query);
  }

  @Get('stream')
  @Auth()
  @ApiOperation({
    summary: 'My new notifications, live (Server-Sent Events)',
    description:
      'Authenticated by the bearer header. Each new notification is an `event: notification` ' +
      'whose `data` is the notification JSON; a comment line (`: keep-alive`) comes every 25 s. ' +
      'Only notifications created while the stream is open are sent: read the rest with ' +
      'GET /notifications. The stream lives as long as the access token that opened it (checked ' +
      'before every event and every keep-alive): after a logout, a deactivation or the expiry it ' +
      'ends; reconnect with a fresh token.',
  })
  @ApiProduces('text/event-stream')
  // The event-stream media type is set on the 200 response only: errors stay JSON envelopes.
  @ApiResponse({
    status: 200,
    description: 'An open event stream',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiErrors()
  async stream(
    @CurrentUser() caller: AuthenticatedUser,
    @Req() req: Request,
    // @Res() only here: the response stays open and is written as notifications arrive.
    @Res() res: Response,
  ): Promise<void> {
    const stream = new SseStream(req, res);
    // The guard has accepted this bearer token: the stream stays open while it holds.
    const close = await this.notifications.openStream(caller, bearerToken(req)!, stream);
    stream.onClose(close);
    stream.start();
  }

  @Post('read-all')
  @Auth()
  @HttpCode(204)
  @ApiOperation({ summary: 'Mark all my notifications read' })
  @ApiEnvelope(null, { status: 204 })
  readAll(@CurrentUser() caller: AuthenticatedUser): Promise<void> {
    return this.notifications.readAll(caller);
  }

  @Post(':id/read')
  @Auth()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mark one of my notifications read',
    description: 'Idempotent (readAt stays the first time); another user’s notification is 404.',
  })
  @ApiEnvelope(NotificationResponse, { errors: [404, 422] })
  read(
    @Param('id', uuidParam()) id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<NotificationResponse> {
    return this.notifications.read(id, caller);
  }
}
