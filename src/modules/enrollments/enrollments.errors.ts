import { ConflictError, NotFoundError } from '../../common/errors/app-error';

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
