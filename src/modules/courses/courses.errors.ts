import { HttpStatus } from '@nestjs/common';
import { AppError, ConflictError, NotFoundError } from '../../common/errors/app-error';

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
  constructor(unlocksAt: Date | null, reasons: readonly string[]) {
    super(
      HttpStatus.FORBIDDEN,
      'LESSON_LOCKED',
      unlocksAt
        ? `This lesson unlocks at ${unlocksAt.toISOString()}`
        : 'Complete the lessons before this one first',
      reasons.map((reason) => ({ field: 'lesson', message: reason })),
    );
  }
}
