import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedUser, Role } from '../auth/roles';
import { ROLES_KEY } from '../decorators/roles.decorator';
import { ForbiddenError, UnauthorizedError } from '../errors/app-error';

/** After authentication: routes marked `@Roles(...)` are 403 for other roles. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles || roles.length === 0) return true;
    const user = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
    if (!user) throw new UnauthorizedError('A bearer access token is required');
    if (!roles.includes(user.role)) throw new ForbiddenError();
    return true;
  }
}
