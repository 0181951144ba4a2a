import { NotFoundError, ValidationFailedError } from '../../common/errors/app-error';

/** The codes only this module sends (beside the generic ones of common/errors). */
export const CERTIFICATES_ERROR_CODES = ['ENROLLMENT_NOT_COMPLETED'] as const;

declare module '../../common/errors/error-codes' {
  interface ErrorCodeRegistry {
    certificates: (typeof CERTIFICATES_ERROR_CODES)[number];
  }
}

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
