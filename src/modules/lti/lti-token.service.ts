import { Injectable, Logger } from '@nestjs/common';
import { decodeJwt, errors, JWTPayload, jwtVerify } from 'jose';
import { Clock } from '../../common/time/clock';
import { ALL_AGS_SCOPES } from './lti-claims';
import { LtiInsufficientScopeError, LtiInvalidTokenError, LtiOAuthError } from './lti.errors';
import { ACCESS_TOKEN_TTL_SECONDS, LtiSecrets, ToolGrant } from './lti-secrets';
import { LtiToolsService } from './lti-tools.service';
import { LtiUrls } from './lti-urls';
import { ReplayGuardRepository } from './replay-guard.repository';
import { ToolJwksClient } from './tool-jwks.client';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** A client assertion may live at most this long (ltijs sends 60 s). */
const MAX_ASSERTION_LIFETIME_SECONDS = 300;

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/**
 * The OAuth 2.0 token endpoint of LTI Advantage (IMS Security Framework 1.0, RFC 7523): the
 * client_credentials grant authenticated by a JWT client assertion that the tool signs with a key
 * of its JWKS. Tokens are scoped to one tool and the AGS scopes it asked for.
 */
@Injectable()
export class LtiTokenService {
  private readonly logger = new Logger(LtiTokenService.name);

  constructor(
    private readonly tools: LtiToolsService,
    private readonly jwks: ToolJwksClient,
    private readonly replay: ReplayGuardRepository,
    private readonly secrets: LtiSecrets,
    private readonly urls: LtiUrls,
    private readonly clock: Clock,
  ) {}

  async issue(body: Record<string, unknown>): Promise<TokenResponse> {
    if (str(body.grant_type) !== 'client_credentials') {
      throw new LtiOAuthError('unsupported_grant_type', 'grant_type must be client_credentials');
    }
    if (str(body.client_assertion_type) !== JWT_BEARER) {
      throw new LtiOAuthError('invalid_request', `client_assertion_type must be ${JWT_BEARER}`);
    }
    const assertion = str(body.client_assertion);
    if (!assertion) throw new LtiOAuthError('invalid_request', 'client_assertion is required');
    const requested = (str(body.scope) ?? '').split(' ').filter(Boolean);
    const scopes = [...new Set(requested.filter((scope) => ALL_AGS_SCOPES.includes(scope)))];
    if (scopes.length === 0) {
      throw new LtiOAuthError(
        'invalid_scope',
        `scope must name at least one of: ${ALL_AGS_SCOPES.join(' ')}`,
      );
    }
    const toolId = await this.authenticate(assertion);
    const accessToken = await this.secrets.signAccessToken({ toolId, scopes });
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      scope: scopes.join(' '),
    };
  }

  /** The tool's id when the assertion is valid, fresh, and its `jti` unused; else invalid_client. */
  private async authenticate(assertion: string): Promise<string> {
    const refused = (why: string) => new LtiOAuthError('invalid_client', why);
    let clientId: string | undefined;
    try {
      clientId = str(decodeJwt(assertion).iss);
    } catch {
      throw refused('client_assertion is not a JWT');
    }
    const tool = clientId ? await this.tools.findByClientId(clientId) : null;
    if (!tool) throw refused('Unknown client');
    let payload: JWTPayload;
    try {
      const header = JSON.parse(
        Buffer.from(assertion.split('.')[0], 'base64url').toString('utf8'),
      ) as { kid?: unknown };
      const keys = await this.jwks.keysFor(
        tool.id,
        tool.jwksUrl,
        typeof header.kid === 'string' ? header.kid : undefined,
      );
      ({ payload } = await jwtVerify(assertion, keys, {
        algorithms: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384'],
        issuer: tool.clientId,
        subject: tool.clientId,
        audience: this.urls.tokenEndpoint,
        requiredClaims: ['exp', 'jti'],
        currentDate: this.clock.now(),
      }));
    } catch (error) {
      if (error instanceof errors.JOSEError) throw refused('Invalid client assertion');
      this.logger.warn(`client assertion of tool ${tool.id} not verified: ${String(error)}`);
      throw refused("The tool's key set could not be fetched");
    }
    const now = this.clock.now().getTime() / 1000;
    if (payload.exp! - now > MAX_ASSERTION_LIFETIME_SECONDS) {
      throw refused(`client_assertion must expire within ${MAX_ASSERTION_LIFETIME_SECONDS} s`);
    }
    const jti = str(payload.jti);
    if (!jti || jti.length > 255) throw refused('client_assertion needs a jti');
    const firstUse = await this.replay.firstUse(
      'jti',
      `${tool.id}:${jti}`,
      new Date(payload.exp! * 1000),
    );
    if (!firstUse) throw refused('client_assertion was already used');
    return tool.id;
  }

  /** The grant of an AGS request's bearer token, which must carry `scope` (one of `anyOf`). */
  async authorize(authorization: string | undefined, anyOf: string[]): Promise<ToolGrant> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const grant = match ? await this.secrets.readAccessToken(match[1]) : null;
    if (!grant) throw new LtiInvalidTokenError();
    if (!anyOf.some((scope) => grant.scopes.includes(scope))) {
      throw new LtiInsufficientScopeError(anyOf.join(' or '));
    }
    return grant;
  }
}
