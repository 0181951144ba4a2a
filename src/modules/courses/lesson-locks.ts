import type { CourseStructure, StructureModule } from './course-structure';

export const LOCK_REASONS = ['prerequisites', 'schedule', 'sequence'] as const;
export type LockReason = (typeof LOCK_REASONS)[number];
export const LOCK_STATUSES = ['locked', 'available', 'completed'] as const;
export type LockStatus = (typeof LOCK_STATUSES)[number];

export interface LockState {
  status: LockStatus;
  /** When the schedule opens it; null when only progress can (prerequisites, sequence). */
  unlocksAt: Date | null;
  reasons: LockReason[];
}

export interface LockStates {
  modules: Map<string, LockState>;
  lessons: Map<string, LockState>;
}

export interface StudentProgress {
  enrolledAt: Date;
  completedLessonIds: ReadonlySet<string>;
}

const DAY_MS = 86_400_000;
const OPEN: LockState = { status: 'available', unlocksAt: null, reasons: [] };
const DONE: LockState = { status: 'completed', unlocksAt: null, reasons: [] };

/**
 * The lock policy, in one place: for one enrolled student, whether each module and lesson of the
 * course is available, and if not why and until when.
 * - A module is locked until every prerequisite module is complete (all its lessons completed),
 *   until `unlockAt` and until `enrolledAt + unlockAfterDays`, whichever is latest.
 * - With `requireSequentialProgress`, a lesson of the module is locked until the previous lesson
 *   of the module (by position) is completed.
 * - Lessons outside modules are never locked; completed lessons show as completed.
 */
export function lockStates(
  structure: CourseStructure,
  progress: StudentProgress,
  now: Date,
): LockStates {
  const done = progress.completedLessonIds;
  const lessonsOf = new Map<string, string[]>();
  for (const lesson of [...structure.lessons].sort((a, b) => a.position - b.position)) {
    if (lesson.moduleId)
      lessonsOf.set(lesson.moduleId, [...(lessonsOf.get(lesson.moduleId) ?? []), lesson.id]);
  }
  const complete = (moduleId: string) =>
    (lessonsOf.get(moduleId) ?? []).every((id) => done.has(id));

  const modules = new Map<string, LockState>();
  for (const module of structure.modules) {
    const lessons = lessonsOf.get(module.id) ?? [];
    const lock = moduleLock(module, complete, progress.enrolledAt, now);
    const finished = lessons.length > 0 && complete(module.id);
    modules.set(module.id, finished ? DONE : lock);
  }

  const lessons = new Map<string, LockState>();
  const moduleById = new Map(structure.modules.map((module) => [module.id, module]));
  for (const lesson of structure.lessons) {
    const module = lesson.moduleId ? moduleById.get(lesson.moduleId) : undefined;
    if (done.has(lesson.id)) {
      lessons.set(lesson.id, DONE);
    } else if (!module) {
      lessons.set(lesson.id, OPEN);
    } else {
      const lock = moduleLock(module, complete, progress.enrolledAt, now);
      if (lock.status === 'locked') {
        lessons.set(lesson.id, lock);
      } else {
        const order = lessonsOf.get(module.id)!;
        const previous = order[order.indexOf(lesson.id) - 1];
        const waits = module.requireSequentialProgress && previous && !done.has(previous);
        lessons.set(
          lesson.id,
          waits ? { status: 'locked', unlocksAt: null, reasons: ['sequence'] } : OPEN,
        );
      }
    }
  }
  return { modules, lessons };
}

function moduleLock(
  module: StructureModule,
  complete: (moduleId: string) => boolean,
  enrolledAt: Date,
  now: Date,
): LockState {
  const reasons: LockReason[] = [];
  if (!module.prerequisiteIds.every(complete)) reasons.push('prerequisites');
  const opensAt = [
    module.unlockAt,
    module.unlockAfterDays !== null
      ? new Date(enrolledAt.getTime() + module.unlockAfterDays * DAY_MS)
      : null,
  ].filter((at): at is Date => at !== null && at.getTime() > now.getTime());
  const unlocksAt =
    opensAt.length > 0 ? new Date(Math.max(...opensAt.map((at) => at.getTime()))) : null;
  if (unlocksAt) reasons.push('schedule');
  return reasons.length > 0 ? { status: 'locked', unlocksAt, reasons } : OPEN;
}
