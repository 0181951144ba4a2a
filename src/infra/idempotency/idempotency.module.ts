import { Global, Module } from '@nestjs/common';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency.store';
import { PurgeIdempotencyKeysProcessor } from './purge-idempotency-keys.processor';

/**
 * Idempotency keys: the store the interceptor uses and the hourly purge. Global, since every
 * module whose routes are `@Idempotent()` instantiates the interceptor (a route-scoped enhancer).
 */
@Global()
@Module({
  providers: [IdempotencyStore, IdempotencyInterceptor, PurgeIdempotencyKeysProcessor],
  exports: [IdempotencyStore, IdempotencyInterceptor],
})
export class IdempotencyModule {}
