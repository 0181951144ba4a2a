import { ConflictError, ForbiddenError } from '../../common/errors/app-error';

/** The codes only this module sends (beside the generic ones of common/errors). */
export const PRIVACY_ERROR_CODES = ['LAST_ACTIVE_ADMIN'] as const;

declare module '../../common/errors/error-codes' {
  interface ErrorCodeRegistry {
    privacy: (typeof PRIVACY_ERROR_CODES)[number];
  }
}

export class LastActiveAdminError extends ConflictError {
  constructor() {
    super('The last active admin cannot be erased', 'LAST_ACTIVE_ADMIN');
  }
}

export class OwnErasureByIdError extends ForbiddenError {
  constructor() {
    super('Erase your own account with POST /users/me/erase (it asks for your password)');
  }
}
