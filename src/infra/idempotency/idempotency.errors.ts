import { AppError } from '../../common/errors/app-error';

/** The codes of idempotency keys (see IdempotencyInterceptor). */
export const IDEMPOTENCY_ERROR_CODES = [
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_USE',
] as const;

declare module '../../common/errors/error-codes' {
  interface ErrorCodeRegistry {
    idempotency: (typeof IDEMPOTENCY_ERROR_CODES)[number];
  }
}

/** 422: the key was used by this caller for another request (method, path or body). */
export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was used for another request; use a new key',
    );
  }
}

/** 409: the first request with this key has not finished yet. */
export class IdempotencyKeyInUseError extends AppError {
  constructor() {
    super(
      'IDEMPOTENCY_KEY_IN_USE',
      'A request with this Idempotency-Key is still being processed; retry later',
      [],
      { 'Retry-After': '1' },
    );
  }
}
