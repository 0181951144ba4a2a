import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { Role } from '../auth/roles';
import { ApiErrors } from '../openapi/api-envelope.decorator';
import { Roles } from './roles.decorator';

/**
 * A route for authenticated callers (optionally of these roles), documented with the bearer scheme
 * and its 401/403 answers.
 */
export function Auth(...roles: Role[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(),
    ApiErrors(401, ...(roles.length > 0 ? [403] : [])),
    ...(roles.length > 0 ? [Roles(...roles)] : []),
  );
}
