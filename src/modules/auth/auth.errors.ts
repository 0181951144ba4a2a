import { UnauthorizedError } from '../../common/errors/app-error';

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
