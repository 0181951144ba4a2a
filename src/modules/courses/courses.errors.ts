import { AppError, ConflictError, NotFoundError } from '../../common/errors/app-error';

/** The codes only this module sends (beside the generic ones of common/errors). */
export const COURSES_ERROR_CODES = ['SLUG_TAKEN', 'MODULE_NOT_EMPTY', 'LESSON_LOCKED'] as const;

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

export class ModuleNotFoundError extends NotFoundError {
  constructor() {
    super('Module');
  }
}

export class ModuleNotEmptyError extends ConflictError {
  constructor() {
    super('Move or delete the module’s lessons first', 'MODULE_NOT_EMPTY');
  }
}

/** A lesson the lock policy (lesson-locks.ts) keeps closed for this student. */
export class LessonLockedError extends AppError {
  constructor(state?: { unlocksAt: Date | null; reasons: readonly string[] }) {
    super(
      'LESSON_LOCKED',
      state?.unlocksAt
        ? `This lesson unlocks at ${state.unlocksAt.toISOString()}`
        : 'Complete the lessons before this one first',
      (state?.reasons ?? []).map((reason) => ({ field: 'lesson', message: reason })),
    );
  }
}
