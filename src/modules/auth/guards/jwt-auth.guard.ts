import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { AuthenticatedUser } from '../../../common/auth/roles';
import { OPTIONAL_AUTH_KEY } from '../../../common/decorators/optional-auth.decorator';
import { IS_PUBLIC_KEY } from '../../../common/decorators/public.decorator';
import { UnauthorizedError } from '../../../common/errors/app-error';
import { setRequestActor } from '../../../common/http/request-scope';
import { AccessTokens, bearerToken } from '../access-tokens';
import { InvalidTokenError } from '../auth.errors';

/**
 * Global: every route needs a valid access token unless marked `@Public()` (token ignored) or
 * `@OptionalAuth()` (token used when present); AccessTokens decides whether it is good. The
 * caller becomes the request scope's actor (what the audit log records).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly accessTokens: AccessTokens,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets);
    const optional = this.reflector.getAllAndOverride<boolean>(OPTIONAL_AUTH_KEY, targets);
    if (isPublic && !optional) return true;

    const req = context.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>();
    const token = bearerToken(req);
    if (token === undefined) {
      if (optional) return true;
      throw new UnauthorizedError('A bearer access token is required');
    }
    if (!token) throw new InvalidTokenError();
    req.user = await this.accessTokens.authenticate(token);
    setRequestActor(req.user);
    return true;
  }
}
