import { ConflictError, NotFoundError, UnauthorizedError } from '../../common/errors/app-error';

/** The codes only this module sends (beside the generic ones of common/errors). */
export const USERS_ERROR_CODES = ['EMAIL_TAKEN', 'WRONG_PASSWORD'] as const;

declare module '../../common/errors/error-codes' {
  interface ErrorCodeRegistry {
    users: (typeof USERS_ERROR_CODES)[number];
  }
}

export class UserNotFoundError extends NotFoundError {
  constructor() {
    super('User');
  }
}

export class EmailTakenError extends ConflictError {
  constructor() {
    super('An account with this email already exists', 'EMAIL_TAKEN');
  }
}

export class WrongPasswordError extends UnauthorizedError {
  constructor() {
    super('The password is not correct', 'WRONG_PASSWORD');
  }
}
