import type { AuthenticatedUser } from '../../common/auth/roles';
import { ForbiddenError } from '../../common/errors/app-error';
import { Course } from './entities/course.entity';
import { CourseNotFoundError } from './courses.errors';

export function isOwnerOrAdmin(course: Course, caller?: AuthenticatedUser): boolean {
  return !!caller && (caller.role === 'admin' || course.instructorId === caller.id);
}

/** Drafts exist only for their owner and admins: anyone else gets 404, as if there were none. */
export function assertVisible(course: Course | null, caller?: AuthenticatedUser): Course {
  if (!course || (!course.isPublished && !isOwnerOrAdmin(course, caller))) {
    throw new CourseNotFoundError();
  }
  return course;
}

/** Changes are for the owner and admins (403 for others who can see the course). */
export function assertManageable(course: Course | null, caller: AuthenticatedUser): Course {
  const visible = assertVisible(course, caller);
  if (!isOwnerOrAdmin(visible, caller)) {
    throw new ForbiddenError('Only the course’s instructor or an admin can change it');
  }
  return visible;
}
