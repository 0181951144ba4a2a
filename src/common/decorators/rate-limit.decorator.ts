import { SetMetadata } from '@nestjs/common';

export const RATE_LIMIT_CATEGORY_KEY = 'rateLimit:category';
export type RateLimitCategory = 'default' | 'auth' | 'upload' | 'none';

/** Picks the rate-limit budget of a route or controller (`none` for probes and metrics). */
export const RateLimit = (category: RateLimitCategory): MethodDecorator & ClassDecorator =>
  SetMetadata(RATE_LIMIT_CATEGORY_KEY, category);
