import { ConflictError, NotFoundError } from '../../common/errors/app-error';

/** The codes only this module sends (beside the generic ones of common/errors). */
export const COURSES_ERROR_CODES = ['SLUG_TAKEN'] as const;

declare module '../../common/errors/error-codes' {
  interface ErrorCodeRegistry {
    courses: (typeof COURSES_ERROR_CODES)[number];
  }
}

export class CourseNotFoundError extends NotFoundError {
  constructor() {
    super('Course');
  }
}

export class LessonNotFoundError extends NotFoundError {
  constructor() {
    super('Lesson');
  }
}

export class SlugTakenError extends ConflictError {
  constructor() {
    super('This slug is already used by another course', 'SLUG_TAKEN');
  }
}
