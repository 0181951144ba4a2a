import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { AuthenticatedUser } from '../../../common/auth/roles';
import { OPTIONAL_AUTH_KEY } from '../../../common/decorators/optional-auth.decorator';
import { IS_PUBLIC_KEY } from '../../../common/decorators/public.decorator';
import { ServiceUnavailableError, UnauthorizedError } from '../../../common/errors/app-error';
import { UsersService } from '../../users/users.service';
import { InvalidTokenError } from '../auth.errors';
import { RevokedTokensStore } from '../revoked-tokens.store';
import { TokenService } from '../token.service';

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : '';
}

/**
 * Global: every route needs a valid access token unless marked `@Public()` (token ignored) or
 * `@OptionalAuth()` (token used when present). A token is refused when it is forged, expired, of
 * another type, revoked by logout, issued before the user's token cut-off, or its user is
 * deactivated or deleted. When the revocation store cannot be read, requests fail closed (503).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly revoked: RevokedTokensStore,
    private readonly users: UsersService,
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
    req.user = await this.authenticate(token);
    return true;
  }

  private async authenticate(token: string): Promise<AuthenticatedUser> {
    const claims = this.tokens.verify(token, 'access');
    let revoked: boolean;
    let state: Awaited<ReturnType<UsersService['authState']>>;
    try {
      [revoked, state] = await Promise.all([
        this.revoked.isRevoked(claims.jti),
        this.users.authState(claims.sub),
      ]);
    } catch {
      throw new ServiceUnavailableError('Cannot check the token right now, try again shortly');
    }
    if (revoked || !state || !state.active || claims.iat < state.tokensValidAfter) {
      throw new InvalidTokenError();
    }
    return { id: claims.sub, role: state.role, jti: claims.jti, exp: claims.exp };
  }
}
