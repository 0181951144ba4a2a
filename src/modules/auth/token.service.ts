import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import type { Role } from '../../common/auth/roles';
import { authConfig } from '../../config/configuration';
import { InvalidTokenError } from './auth.errors';

export type TokenType = 'access' | 'mfa';

export interface TokenClaims {
  sub: string;
  role: Role;
  jti: string;
  type: TokenType;
  iat: number;
  exp: number;
}

export interface SignedToken {
  token: string;
  jti: string;
  expiresIn: number;
}

export const MFA_TOKEN_TTL_SECONDS = 600;

/** Verified tokens remembered (about 0.6 KB each): one per active session of the last minutes. */
export const VERIFIED_TOKENS_KEPT = 5_000;

/**
 * HS256 JWTs for access (15 min) and MFA (10 min) tokens. Every token has a `type`, and each
 * verification demands its own, so no other kind of token is ever accepted as an access token.
 *
 * A token that verified is remembered until its expiry (the last VERIFIED_TOKENS_KEPT ones): the
 * same text under the same key verifies the same way, so the next request with it skips the HMAC
 * and the JSON decoding (about 3 % of an authenticated catalogue request, bench/RESULTS.md) and
 * only its type and expiry are checked again. Only successes are kept, the claims frozen; whether
 * the token is still good (logout, cut-off, deactivation) is decided on every request by
 * AccessTokens, never remembered here.
 */
@Injectable()
export class TokenService {
  private readonly verified = new Map<string, Readonly<TokenClaims>>();

  constructor(
    private readonly jwt: JwtService,
    @Inject(authConfig.KEY) private readonly cfg: ConfigType<typeof authConfig>,
  ) {}

  /** `notBefore` (unix seconds): the user's token cut-off, so a fresh token is never born stale. */
  signAccess(userId: string, role: Role, notBefore: number): SignedToken {
    return this.sign(userId, role, 'access', this.cfg.accessTokenTtlSeconds, notBefore);
  }

  signMfa(userId: string, role: Role, notBefore: number): SignedToken {
    return this.sign(userId, role, 'mfa', MFA_TOKEN_TTL_SECONDS, notBefore);
  }

  /** Signature, algorithm, expiry, issue time and type; throws InvalidTokenError otherwise. */
  verify(token: string, type: TokenType): Readonly<TokenClaims> {
    const known = this.verified.get(token);
    if (known) {
      // As jsonwebtoken decides expiry: good while the current second is before `exp`.
      const live = Math.floor(Date.now() / 1000) < known.exp;
      if (!live) this.verified.delete(token);
      if (live && known.type === type) return known;
      throw new InvalidTokenError();
    }
    const claims = this.verifySignature(token, type);
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) {
      this.verified.delete(this.verified.keys().next().value!); // the oldest
    }
    this.verified.set(token, claims);
    return claims;
  }

  private verifySignature(token: string, type: TokenType): Readonly<TokenClaims> {
    let claims: TokenClaims;
    try {
      claims = this.jwt.verify<TokenClaims>(token);
    } catch {
      throw new InvalidTokenError();
    }
    // `exp` and `iat` are required: a token without expiry could never be revoked (revocations are
    // kept until `exp`), and one without `iat` would escape the user's token cut-off.
    if (
      claims.type !== type ||
      typeof claims.sub !== 'string' ||
      typeof claims.jti !== 'string' ||
      !Number.isFinite(claims.exp) ||
      !Number.isFinite(claims.iat)
    ) {
      throw new InvalidTokenError();
    }
    return Object.freeze(claims);
  }

  private sign(
    userId: string,
    role: Role,
    type: TokenType,
    ttlSeconds: number,
    notBefore: number,
  ): SignedToken {
    const jti = randomUUID();
    const iat = Math.max(Math.floor(Date.now() / 1000), notBefore);
    // Key and HS256 come from the module (AuthModule): one algorithm, accepted and produced.
    const token = this.jwt.sign({ sub: userId, role, type, jti, iat, exp: iat + ttlSeconds });
    return { token, jti, expiresIn: ttlSeconds };
  }
}
