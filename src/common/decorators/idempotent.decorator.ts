import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-envelope.decorator';

export const IDEMPOTENT_KEY = 'idempotent';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/**
 * A creating POST that honours `Idempotency-Key` (the global IdempotencyInterceptor acts on this
 * mark): the first response is kept 24 h per caller and key and replayed to retries.
 */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENT_KEY, true),
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
