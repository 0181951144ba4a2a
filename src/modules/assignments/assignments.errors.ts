import { ConflictError, NotFoundError } from '../../common/errors/app-error';

/** The codes only this module sends (beside the generic ones of common/errors). */
export const ASSIGNMENTS_ERROR_CODES = ['ASSIGNMENT_CLOSED', 'ALREADY_SUBMITTED'] as const;

declare module '../../common/errors/error-codes' {
  interface ErrorCodeRegistry {
    assignments: (typeof ASSIGNMENTS_ERROR_CODES)[number];
  }
}

export class AssignmentNotFoundError extends NotFoundError {
  constructor() {
    super('Assignment');
  }
}

export class SubmissionNotFoundError extends NotFoundError {
  constructor() {
    super('Submission');
  }
}

export class AssignmentClosedError extends ConflictError {
  constructor() {
    super('The due date has passed and late submissions are not accepted', 'ASSIGNMENT_CLOSED');
  }
}

export class AlreadySubmittedError extends ConflictError {
  constructor() {
    super('This assignment does not accept resubmissions', 'ALREADY_SUBMITTED');
  }
}
