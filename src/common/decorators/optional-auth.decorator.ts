import { SetMetadata } from '@nestjs/common';

export const OPTIONAL_AUTH_KEY = 'auth:optional';

/**
 * Anyone may call the route; a valid bearer token, when sent, identifies the caller (drafts become
 * visible to their owner, for example). An invalid token is still a 401.
 */
export const OptionalAuth = (): MethodDecorator & ClassDecorator =>
  SetMetadata(OPTIONAL_AUTH_KEY, true);
