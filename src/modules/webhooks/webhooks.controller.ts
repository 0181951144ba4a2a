import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Auth } from '../../common/decorators/auth.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Paginated } from '../../common/dto/paginated';
import { PaginationQueryDto } from '../../common/dto/pagination-query.dto';
import { ApiEnvelope } from '../../common/openapi/api-envelope.decorator';
import { uuidParam } from '../../common/pipes/parse-uuid.pipe';
import { CreateWebhookDto, UpdateWebhookDto } from './dto/create-webhook.dto';
import {
  CreatedWebhookResponse,
  WebhookDeliveryResponse,
  WebhookResponse,
  WebhookTestResponse,
} from './dto/webhook.response';
import { WebhooksService } from './webhooks.service';
import { Idempotent } from '../../infra/idempotency/idempotent.decorator';

const DELIVERY =
  'Deliveries are POSTs of `{id, type, timestamp, data}` with the Standard Webhooks headers ' +
  '`webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256>`; a 2xx ' +
  'within 10 s is success, anything else is retried with exponential backoff.';

@ApiTags('webhooks')
@Auth('admin')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Idempotent()
  @ApiOperation({
    summary: 'Register an endpoint (admin); the secret is shown only here',
    description: DELIVERY,
  })
  @ApiEnvelope(CreatedWebhookResponse, { status: 201, errors: [422] })
  create(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: CreateWebhookDto,
  ): Promise<CreatedWebhookResponse> {
    return this.webhooks.create(caller, body);
  }

  @Get()
  @ApiOperation({ summary: 'Endpoints, newest first (admin)' })
  @ApiEnvelope(WebhookResponse, { paginated: true, errors: [422] })
  list(@Query() query: PaginationQueryDto): Promise<Paginated<WebhookResponse>> {
    return this.webhooks.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One endpoint (admin)' })
  @ApiEnvelope(WebhookResponse, { errors: [404, 422] })
  get(@Param('id', uuidParam()) id: string): Promise<WebhookResponse> {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an endpoint (admin)' })
  @ApiEnvelope(WebhookResponse, { errors: [404, 422] })
  update(
    @Param('id', uuidParam()) id: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookResponse> {
    return this.webhooks.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an endpoint and its delivery log (admin)' })
  @ApiEnvelope(null, { status: 204, errors: [404, 422] })
  async remove(@Param('id', uuidParam()) id: string): Promise<void> {
    await this.webhooks.remove(id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Delivery log, newest first (admin)' })
  @ApiEnvelope(WebhookDeliveryResponse, { paginated: true, errors: [404, 422] })
  deliveries(
    @Param('id', uuidParam()) id: string,
    @Query() query: PaginationQueryDto,
  ): Promise<Paginated<WebhookDeliveryResponse>> {
    return this.webhooks.deliveries(id, query);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a webhook.test event to this endpoint (admin)' })
  @ApiEnvelope(WebhookTestResponse, { status: 202, errors: [404, 422] })
  test(@Param('id', uuidParam()) id: string): Promise<WebhookTestResponse> {
    return this.webhooks.sendTest(id);
  }
}
