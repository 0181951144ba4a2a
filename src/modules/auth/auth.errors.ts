import { UnauthorizedError } from '../../common/errors/app-error';

/** The codes only this module sends (beside the generic ones of common/errors). */
export const AUTH_ERROR_CODES = [
  'INVALID_CREDENTIALS',
  'INVALID_TOKEN',
  'INVALID_MFA_CODE',
  'MFA_NOT_SET_UP',
  'MFA_NOT_ENABLED',
  'MFA_ALREADY_ENABLED',
] as const;

declare module '../../common/errors/error-codes' {
  interface ErrorCodeRegistry {
    auth: (typeof AUTH_ERROR_CODES)[number];
  }
}

export class InvalidCredentialsError extends UnauthorizedError {
  constructor() {
    super('Invalid email or password', 'INVALID_CREDENTIALS');
  }
}

export class InvalidTokenError extends UnauthorizedError {
  constructor(message = 'The token is invalid, expired or revoked') {
    super(message, 'INVALID_TOKEN');
  }
}

export class InvalidMfaCodeError extends UnauthorizedError {
  constructor() {
    super('The authentication code is not correct', 'INVALID_MFA_CODE');
  }
}
