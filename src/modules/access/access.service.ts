import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { ForbiddenError, NotFoundError } from '../../common/errors/app-error';
import { AccessRepository } from './access.repository';
import { Caller, decide, isAdmin, Permission, PermissionFacts } from './access.policy';

/** How `require` finds the facts of each permission from a resource id. */
const LOADERS = {
  'course.view': (repo: AccessRepository, id: string) => repo.course(id),
  'course.manage': (repo: AccessRepository, id: string) => repo.course(id),
  'course.enroll': (repo: AccessRepository, id: string) => repo.course(id),
  'lesson.read': (repo: AccessRepository, id: string, caller?: AuthenticatedUser) =>
    repo.lesson(id, caller?.id),
  'quiz.view': (repo: AccessRepository, id: string) => repo.quiz(id),
  'quiz.manage': (repo: AccessRepository, id: string) => repo.quiz(id),
  'enrollment.read': (repo: AccessRepository, id: string) => repo.enrollment(id),
  'enrollment.drop': (repo: AccessRepository, id: string) => repo.enrollment(id),
  'enrollment.progress': (repo: AccessRepository, id: string) => repo.enrollment(id),
  'attempt.read': (repo: AccessRepository, id: string) => repo.attempt(id),
  'attempt.submit': (repo: AccessRepository, id: string) => repo.attempt(id),
} satisfies {
  [P in Permission]?: (
    repo: AccessRepository,
    id: string,
    caller?: AuthenticatedUser,
  ) => Promise<PermissionFacts[P]>;
};
type LoadablePermission = keyof typeof LOADERS;

/**
 * The access gate every service asks before it touches a course, its children, an enrollment,
 * an attempt, a certificate or a file (rules in access.policy.ts). `require` reads the facts by
 * id with one narrow query; `assert` and `can` decide on facts the service already loaded.
 */
@Injectable()
export class AccessService {
  constructor(private readonly repository: AccessRepository) {}

  async require<P extends LoadablePermission>(
    caller: AuthenticatedUser | undefined,
    permission: P,
    id: string,
  ): Promise<void> {
    const load = LOADERS[permission] as (
      repo: AccessRepository,
      id: string,
      caller?: AuthenticatedUser,
    ) => Promise<PermissionFacts[P]>;
    this.assert(caller, permission, await load(this.repository, id, caller));
  }

  /** Throws NOT_FOUND (404) or FORBIDDEN (403) unless the caller may. */
  assert<P extends Permission>(
    caller: AuthenticatedUser | undefined,
    permission: P,
    facts: PermissionFacts[P],
  ): void {
    const decision = decide(caller, permission, facts);
    if (decision.allowed) return;
    if (decision.status === 404) throw new NotFoundError(decision.resource);
    throw new ForbiddenError(decision.message);
  }

  can<P extends Permission>(
    caller: Caller | undefined,
    permission: P,
    facts: PermissionFacts[P],
  ): boolean {
    return decide(caller, permission, facts).allowed;
  }

  /** Lists that show admins everything (all courses, anyone's files) ask this. */
  seesEverything(caller: AuthenticatedUser | undefined): boolean {
    return isAdmin(caller);
  }
}
