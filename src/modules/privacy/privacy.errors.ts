import { ForbiddenError } from '../../common/errors/app-error';

/**
 * The codes only this module sends (beside the generic ones of common/errors): none of its own,
 * the last active admin's 409 (`LAST_ACTIVE_ADMIN`) is the users module's.
 */
export const PRIVACY_ERROR_CODES = [] as const;

declare module '../../common/errors/error-codes' {
  interface ErrorCodeRegistry {
    privacy: (typeof PRIVACY_ERROR_CODES)[number];
  }
}

export class OwnErasureByIdError extends ForbiddenError {
  constructor() {
    super('Erase your own account with POST /users/me/erase (it asks for your password)');
  }
}
