import { timingSafeEqual } from 'node:crypto';

/**
 * Whether an Authorization header may read /metrics: always without METRICS_TOKEN, else only
 * `Bearer <token>` (compared in constant time).
 */
export function metricsAuthorized(
  authorization: string | undefined,
  token: string | undefined,
): boolean {
  if (!token) return true;
  const given = Buffer.from(authorization?.startsWith('Bearer ') ? authorization.slice(7) : '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
