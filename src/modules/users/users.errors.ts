import { ConflictError, NotFoundError, UnauthorizedError } from '../../common/errors/app-error';

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
