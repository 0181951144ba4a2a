import { NotFoundError, ValidationFailedError } from '../../common/errors/app-error';

export class CertificateNotFoundError extends NotFoundError {
  constructor() {
    super('Certificate');
  }
}

export class EnrollmentNotCompletedError extends ValidationFailedError {
  constructor() {
    super(
      [{ field: 'enrollmentId', message: 'the enrollment is not completed yet' }],
      'Certificates are issued for completed enrollments only',
      'ENROLLMENT_NOT_COMPLETED',
    );
  }
}
