import { ConflictError, NotFoundError, UnauthorizedError } from '../../common/errors/app-error';

/** The codes only this module sends (beside the generic ones of common/errors). */
export const USERS_ERROR_CODES = ['EMAIL_TAKEN', 'WRONG_PASSWORD', 'LAST_ACTIVE_ADMIN'] as const;

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

/**
 * Erasing, demoting, deactivating or deleting the only active admin left would lock everyone out
 * of administration.
 */
export class LastActiveAdminError extends ConflictError {
  constructor(removal: 'erased' | 'demoted or deactivated' | 'deleted') {
    super(`The last active admin cannot be ${removal}`, 'LAST_ACTIVE_ADMIN');
  }
}
