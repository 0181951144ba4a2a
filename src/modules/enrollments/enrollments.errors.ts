import { NotFoundError } from '../../common/errors/app-error';

export class EnrollmentNotFoundError extends NotFoundError {
  constructor() {
    super('Enrollment');
  }
}
