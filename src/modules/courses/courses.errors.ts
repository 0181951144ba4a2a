import { ConflictError, NotFoundError } from '../../common/errors/app-error';

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
