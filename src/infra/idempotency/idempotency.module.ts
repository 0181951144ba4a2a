import { Module } from '@nestjs/common';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency.store';
import { PurgeIdempotencyKeysProcessor } from './purge-idempotency-keys.processor';

/** Idempotency keys: the interceptor (installed by configureApp) and the hourly purge. */
@Module({
  providers: [IdempotencyStore, IdempotencyInterceptor, PurgeIdempotencyKeysProcessor],
  exports: [IdempotencyInterceptor],
})
export class IdempotencyModule {}
