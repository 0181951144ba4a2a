import {
  AppError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
} from '../../common/errors/app-error';

/** The codes only this module sends (beside the generic ones of common/errors). */
export const LTI_ERROR_CODES = [
  'LTI_CLIENT_ID_TAKEN',
  'LTI_TOOL_IN_USE',
  'NOT_AN_LTI_LESSON',
  'LTI_INVALID_LAUNCH',
  'LTI_INVALID_REQUEST',
  'LTI_INVALID_CLIENT',
  'LTI_INVALID_SCOPE',
  'LTI_INVALID_TOKEN',
  'LTI_INSUFFICIENT_SCOPE',
] as const;

declare module '../../common/errors/error-codes' {
  interface ErrorCodeRegistry {
    lti: (typeof LTI_ERROR_CODES)[number];
  }
}

export class LtiToolNotFoundError extends NotFoundError {
  constructor() {
    super('LTI tool');
  }
}

export class LineItemNotFoundError extends NotFoundError {
  constructor() {
    super('Line item');
  }
}

export class LtiClientIdTakenError extends ConflictError {
  constructor() {
    super('Another tool already uses this clientId', 'LTI_CLIENT_ID_TAKEN');
  }
}

export class LtiToolInUseError extends ConflictError {
  constructor() {
    super('Lessons still launch this tool: change or delete them first', 'LTI_TOOL_IN_USE');
  }
}

export class NotAnLtiLessonError extends BadRequestError {
  constructor() {
    super('This lesson does not launch an LTI tool', [], 'NOT_AN_LTI_LESSON');
  }
}

/** The OIDC authorization request cannot be honoured (400, never a redirect). */
export class LtiInvalidLaunchError extends BadRequestError {
  constructor(message: string, field?: string) {
    super(message, field ? [{ field, message }] : [], 'LTI_INVALID_LAUNCH');
  }
}

/** OAuth 2.0 error names (RFC 6749 section 5.2), sent beside the envelope as `data`. */
export type OAuthErrorName =
  'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';

/**
 * An error of the token endpoint: the API's error envelope (the contract's rule for every error),
 * with the RFC 6749 `{error, error_description}` object as its `data` for OAuth clients.
 */
export class LtiOAuthError extends AppError {
  constructor(name: OAuthErrorName, description: string) {
    const code =
      name === 'invalid_client'
        ? 'LTI_INVALID_CLIENT'
        : name === 'invalid_scope'
          ? 'LTI_INVALID_SCOPE'
          : 'LTI_INVALID_REQUEST';
    super(code, description, [], {}, { error: name, error_description: description });
  }
}

/** A missing, invalid or expired tool access token at the AGS endpoints. */
export class LtiInvalidTokenError extends UnauthorizedError {
  constructor(message = 'A valid LTI access token is required') {
    super(message, 'LTI_INVALID_TOKEN');
  }
}

export class LtiInsufficientScopeError extends ForbiddenError {
  constructor(scope: string) {
    super(`This access token lacks the scope ${scope}`, 'LTI_INSUFFICIENT_SCOPE');
  }
}
