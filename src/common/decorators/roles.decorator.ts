import { SetMetadata } from '@nestjs/common';
import { Role } from '../auth/roles';

export const ROLES_KEY = 'auth:roles';

/** Only these roles may call the route (checked by RolesGuard after authentication). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);
