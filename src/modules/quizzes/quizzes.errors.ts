import {
  AppError,
  ConflictError,
  ErrorDetail,
  NotFoundError,
  ValidationFailedError,
} from '../../common/errors/app-error';

/** The codes only this module sends (beside the generic ones of common/errors). */
export const QUIZZES_ERROR_CODES = [
  'ATTEMPT_IN_PROGRESS',
  'ATTEMPT_ALREADY_SUBMITTED',
  'ATTEMPT_EXPIRED',
  'MAX_ATTEMPTS_REACHED',
  'ATTEMPT_NOT_PENDING_GRADING',
  'POOL_TOO_SMALL',
] as const;

declare module '../../common/errors/error-codes' {
  interface ErrorCodeRegistry {
    quizzes: (typeof QUIZZES_ERROR_CODES)[number];
  }
}

export class QuizNotFoundError extends NotFoundError {
  constructor() {
    super('Quiz');
  }
}

export class QuestionNotFoundError extends NotFoundError {
  constructor() {
    super('Question');
  }
}

export class AttemptNotFoundError extends NotFoundError {
  constructor() {
    super('Attempt');
  }
}

export class AttemptInProgressError extends ConflictError {
  constructor() {
    super('An attempt of this quiz is already in progress', 'ATTEMPT_IN_PROGRESS');
  }
}

export class AttemptAlreadySubmittedError extends ConflictError {
  constructor() {
    super('This attempt was already submitted', 'ATTEMPT_ALREADY_SUBMITTED');
  }
}

export class AttemptExpiredError extends AppError {
  constructor() {
    super('ATTEMPT_EXPIRED', 'The time limit of this attempt has passed');
  }
}

export class MaxAttemptsReachedError extends AppError {
  constructor() {
    super('MAX_ATTEMPTS_REACHED', 'No attempts left for this quiz');
  }
}

export class AttemptNotPendingGradingError extends ConflictError {
  constructor() {
    super(
      'This attempt is not waiting for grading (in progress, expired, graded automatically or already graded)',
      'ATTEMPT_NOT_PENDING_GRADING',
    );
  }
}

/** 422: a quiz's draw asks a pool for more questions than it holds. */
export class PoolTooSmallError extends ValidationFailedError {
  constructor(details: ErrorDetail[]) {
    super(details, 'A pool has fewer questions than the draw asks for', 'POOL_TOO_SMALL');
  }
}
