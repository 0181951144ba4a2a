import { createHmac, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { errors, jwtVerify, SignJWT } from 'jose';
import { authConfig } from '../../config/configuration';
import type { LaunchRole } from './lti-claims';

/** What a launch's `lti_message_hint` binds: who launches which lesson with which tool. */
export interface MessageHint {
  jti: string;
  userId: string;
  lessonId: string;
  courseId: string;
  toolId: string;
  role: LaunchRole;
  targetLinkUri: string;
  exp: number;
}

/** What an AGS access token grants: one tool, some scopes. */
export interface ToolGrant {
  toolId: string;
  scopes: string[];
}

export const HINT_TTL_SECONDS = 300;
export const ACCESS_TOKEN_TTL_SECONDS = 900;

const HINT_AUDIENCE = 'lti-message-hint';
const ACCESS_AUDIENCE = 'lti-ags';

/**
 * The platform's own short-lived tokens, HS256 with keys derived from JWT_SECRET (one per use,
 * so neither is ever taken for the other nor for a user access token):
 * - the `lti_message_hint` of a launch (5 min, single use enforced at /lti/authorize);
 * - AGS access tokens of tools (15 min).
 */
@Injectable()
export class LtiSecrets {
  private readonly hintKey: Buffer;
  private readonly accessKey: Buffer;

  constructor(@Inject(authConfig.KEY) cfg: ConfigType<typeof authConfig>) {
    const derive = (label: string) => createHmac('sha256', cfg.jwtSecret).update(label).digest();
    this.hintKey = derive('lti message hint v1');
    this.accessKey = derive('lti ags access token v1');
  }

  signHint(hint: Omit<MessageHint, 'jti' | 'exp'>): Promise<string> {
    return new SignJWT({ ...hint })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience(HINT_AUDIENCE)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${HINT_TTL_SECONDS}s`)
      .sign(this.hintKey);
  }

  /** The hint's content, or null when it is not ours, altered or expired. */
  async readHint(token: string): Promise<MessageHint | null> {
    try {
      const { payload } = await jwtVerify(token, this.hintKey, {
        algorithms: ['HS256'],
        audience: HINT_AUDIENCE,
        requiredClaims: ['jti', 'exp'],
      });
      return payload as unknown as MessageHint;
    } catch (error) {
      if (error instanceof errors.JOSEError) return null;
      throw error;
    }
  }

  signAccessToken(grant: ToolGrant): Promise<string> {
    return new SignJWT({ scope: grant.scopes.join(' ') })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience(ACCESS_AUDIENCE)
      .setSubject(grant.toolId)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
      .sign(this.accessKey);
  }

  async readAccessToken(token: string): Promise<ToolGrant | null> {
    try {
      const { payload } = await jwtVerify(token, this.accessKey, {
        algorithms: ['HS256'],
        audience: ACCESS_AUDIENCE,
        requiredClaims: ['sub', 'exp'],
      });
      const scope = typeof payload.scope === 'string' ? payload.scope : '';
      return { toolId: payload.sub!, scopes: scope.split(' ').filter(Boolean) };
    } catch (error) {
      if (error instanceof errors.JOSEError) return null;
      throw error;
    }
  }
}
