import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';

export const OPTIONAL_AUTH_KEY = 'auth:optional';

/**
 * Anyone may call the route; a valid bearer token, when sent, identifies the caller (drafts become
 * visible to their owner, for example). An invalid token is still a 401.
 */
export const OptionalAuth = (): MethodDecorator & ClassDecorator =>
  // OpenAPI: `security: [{bearer: []}, {}]`, the token is optional.
  applyDecorators(SetMetadata(OPTIONAL_AUTH_KEY, true), ApiBearerAuth(), ApiSecurity({}));
