import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ClockModule } from './common/time/clock.module';
import { createConfigModule } from './config/config.module';
import { jobsConfig } from './config/configuration';
import { RateLimitGuard } from './common/guards/rate-limit.guard';
import { RolesGuard } from './common/guards/roles.guard';
import { DatabaseModule } from './database/database.module';
import { AttemptsModule } from './infra/attempts/attempts.module';
import { CryptoModule } from './infra/crypto/crypto.module';
import { JwksModule } from './infra/jwks/jwks.module';
import { IdempotencyModule } from './infra/idempotency/idempotency.module';
import { KeyValueModule } from './infra/kv/key-value.module';
import { MailModule } from './infra/mail/mail.module';
import { OutboxRelayModule } from './infra/outbox/outbox-relay.module';
import { OutboxModule } from './infra/outbox/outbox.module';
import { QueueModule } from './infra/queue/queue.module';
import { PubSubModule } from './infra/pubsub/pubsub.module';
import { createRateLimitModule } from './infra/rate-limit/rate-limit.module';
import { RedisModule } from './infra/redis/redis.module';
import { StorageModule } from './infra/storage/storage.module';
import { AccessModule } from './modules/access/access.module';
import { AuditModule } from './modules/audit/audit.module';
import { AssignmentsModule } from './modules/assignments/assignments.module';
import { AnalyticsModule } from './modules/analytics/analytics.module';
import { AuthModule } from './modules/auth/auth.module';
import { CoursesModule } from './modules/courses/courses.module';
import { EnrollmentsModule } from './modules/enrollments/enrollments.module';
import { CertificatesModule } from './modules/certificates/certificates.module';
import { CredentialsModule } from './modules/credentials/credentials.module';
import { KeysModule } from './modules/keys/keys.module';
import { FilesModule } from './modules/files/files.module';
import { GradebookModule } from './modules/gradebook/gradebook.module';
import { PrivacyModule } from './modules/privacy/privacy.module';
import { LtiModule } from './modules/lti/lti.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { ImportsModule } from './modules/imports/imports.module';
import { QuizzesModule } from './modules/quizzes/quizzes.module';
import { ReviewsModule } from './modules/reviews/reviews.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';
import { XapiModule } from './modules/xapi/xapi.module';
import { JwtAuthGuard } from './modules/auth/guards/jwt-auth.guard';
import { UsersModule } from './modules/users/users.module';
import { HealthModule } from './observability/health/health.module';
import { createLoggingModule } from './observability/logging/logging.module';
import { ServiceInfoModule } from './observability/info/service-info.module';
import { MetricsModule } from './observability/metrics/metrics.module';

/**
 * Modules every process needs. Built by a function, at start-up, because some choices (BullMQ or
 * inline jobs) are read from configuration.
 */
export function coreImports() {
  return [
    createConfigModule(),
    createLoggingModule(),
    ClockModule,
    DatabaseModule,
    RedisModule,
    KeyValueModule,
    PubSubModule,
    AttemptsModule,
    CryptoModule,
    JwksModule,
    QueueModule.forRoot(),
    OutboxModule,
    MailModule,
    StorageModule,
    IdempotencyModule,
    HealthModule,
    ...domainModules(),
  ];
}

/** The domain: the API serves their controllers, the worker runs their job handlers. */
export function domainModules() {
  return [
    AccessModule,
    AuditModule,
    UsersModule,
    AuthModule,
    CoursesModule,
    EnrollmentsModule,
    QuizzesModule,
    AssignmentsModule,
    GradebookModule,
    FilesModule,
    KeysModule,
    CredentialsModule,
    CertificatesModule,
    WebhooksModule,
    XapiModule,
    AnalyticsModule,
    PrivacyModule,
    LtiModule,
    NotificationsModule,
    ReviewsModule,
    ImportsModule,
  ];
}

/** The HTTP API. With jobs inline (no Redis) it also relays the outbox and runs job handlers. */
@Module({})
export class AppModule {
  static forRoot(): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...coreImports(),
        ...(jobsConfig().inline ? [OutboxRelayModule] : []),
        createRateLimitModule(),
        MetricsModule,
        ServiceInfoModule,
      ],
      // Order matters: authenticate, then rate-limit per user, then check roles.
      providers: [
        { provide: APP_GUARD, useExisting: JwtAuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
    };
  }
}
