import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RetryingDeliveries } from '../../infra/delivery/retrying-deliveries';
import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { AuditModule } from '../audit/audit.module';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';
import {
  DELIVERIES_METRIC,
  DELIVERY_DURATION_METRIC,
  WebhookDeliveryService,
} from './webhook-delivery.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksPersonalData } from './webhooks.personal-data';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [TypeOrmModule.forFeature([WebhookEndpoint, WebhookDelivery]), AuditModule],
  controllers: [WebhooksController],
  providers: [
    WebhooksService,
    WebhookDeliveryService,
    WebhooksRepository,
    WebhooksPersonalData,
    RetryingDeliveries,
    makeCounterProvider({
      name: DELIVERIES_METRIC,
      help: 'Webhook delivery attempts by outcome (succeeded, retrying, failed)',
      labelNames: ['outcome'],
    }),
    makeHistogramProvider({
      name: DELIVERY_DURATION_METRIC,
      help: 'Duration of webhook delivery attempts in seconds',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
  ],
})
export class WebhooksModule {}
