import { ConflictError, NotFoundError } from '../../common/errors/app-error';

/** The codes only this module sends (beside the generic ones of common/errors). */
export const ENROLLMENTS_ERROR_CODES = ['COMPLETION_BY_ASSESSMENT'] as const;

declare module '../../common/errors/error-codes' {
  interface ErrorCodeRegistry {
    enrollments: (typeof ENROLLMENTS_ERROR_CODES)[number];
  }
}

export class EnrollmentNotFoundError extends NotFoundError {
  constructor() {
    super('Enrollment');
  }
}

/** The lesson is completed by passing its quiz (or assignment), not by hand. */
export class CompletionByAssessmentError extends ConflictError {
  constructor() {
    super('This lesson is completed by passing its assessment', 'COMPLETION_BY_ASSESSMENT');
  }
}
