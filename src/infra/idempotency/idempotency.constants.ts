export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
/** Response header set on a replayed response. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
