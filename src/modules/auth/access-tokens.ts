import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { ServiceUnavailableError } from '../../common/errors/app-error';
import { UsersService } from '../users/users.service';
import { InvalidTokenError } from './auth.errors';
import { RevokedTokensStore } from './revoked-tokens.store';
import { TokenService } from './token.service';

/** The bearer token of a request: undefined without the header, '' when it is malformed. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : '';
}

/**
 * Decides whether an access token is good now: refused when it is forged, expired, of another
 * type, revoked by logout, issued before the user's token cut-off, or its user is deactivated or
 * deleted. When the revocation store cannot be read, it fails closed (503). The request guard
 * asks once per request; long-lived responses (event streams) ask again before each event.
 */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly tokens: TokenService,
    private readonly revoked: RevokedTokensStore,
    private readonly users: UsersService,
  ) {}

  async authenticate(token: string): Promise<AuthenticatedUser> {
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

  /** True while `token` still authenticates `userId` (false, never a throw, otherwise). */
  async stillValid(token: string, userId: string): Promise<boolean> {
    try {
      return (await this.authenticate(token)).id === userId;
    } catch {
      return false;
    }
  }
}
