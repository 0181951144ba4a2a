import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiErrors } from '../../common/openapi/api-envelope.decorator';
import { IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_MAX_LENGTH } from './idempotency.constants';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/**
 * A creating POST that honours `Idempotency-Key`: the route gets the IdempotencyInterceptor, which
 * keeps the first response 24 h per caller and key and replays it to retries. Route-scoped rather
 * than global, so that the many routes without it pay nothing for it.
 */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: IDEMPOTENCY_HEADER,
      required: false,
      description:
        'Makes a retry safe: the first response (status and body) is kept 24 h per caller and ' +
        'key and sent again, with `Idempotent-Replayed: true`, to a retry with the same key and ' +
        'body. 422 IDEMPOTENCY_KEY_REUSED for another body, 409 IDEMPOTENCY_KEY_IN_USE while the ' +
        'first request still runs.',
      schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH },
    }),
    ApiErrors(409, 422),
  );
}
