import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/time/clock';
import type { CourseStructure } from './course-structure';
import { LessonLockedError } from './courses.errors';
import { EnrollmentGateway, LockedEnrollment } from './enrollment.gateway';
import { LearningModulesRepository } from './learning-modules.repository';
import { lockStates, LockStates } from './lesson-locks';
import { LessonsRepository } from './lessons.repository';

/** What a caller may already know of the course's structure. */
export interface KnownStructure {
  /** Without modules nothing can be locked. */
  courseHasModules: boolean;
}

const NOTHING_LOCKED: LockStates = { modules: new Map(), lessons: new Map() };

/**
 * Feeds the lock policy (lesson-locks.ts) for one enrollment and answers "is this lesson
 * available": at most three statements whatever the size of the course (modules with their
 * prerequisites, lessons, completed lessons), one for a course without modules, where nothing
 * can be locked. Lesson reads, completion, quiz starts and assignment submissions all ask it.
 */
@Injectable()
export class LessonLocksService {
  constructor(
    private readonly modules: LearningModulesRepository,
    private readonly lessons: LessonsRepository,
    private readonly enrollments: EnrollmentGateway,
    private readonly clock: Clock,
  ) {}

  async statesFor(enrollment: LockedEnrollment): Promise<LockStates> {
    const structure = await this.structureOf(enrollment.courseId);
    if (structure.modules.length === 0) return NOTHING_LOCKED;
    const completed = await this.enrollments.completedLessonIds(enrollment.id);
    return lockStates(
      structure,
      { enrolledAt: enrollment.enrolledAt, completedLessonIds: new Set(completed) },
      this.clock.now(),
    );
  }

  /** The states for this student, or null when they are not enrolled (never locked then). */
  async statesForStudent(studentId: string, courseId: string): Promise<LockStates | null> {
    const enrollment = await this.enrollments.enrollmentOf(studentId, courseId);
    return enrollment ? this.statesFor(enrollment) : null;
  }

  /**
   * LESSON_LOCKED (403) when the policy keeps the lesson closed for this enrollment. A caller that
   * has just read whether the course has modules says so, and a course without any costs no
   * statement (the quiz start's hot path).
   */
  async assertAvailable(
    enrollment: LockedEnrollment,
    lessonId: string,
    known?: KnownStructure,
  ): Promise<void> {
    if (known && !known.courseHasModules) return;
    const state = (await this.statesFor(enrollment)).lessons.get(lessonId);
    if (state?.status === 'locked') throw new LessonLockedError(state);
  }

  /** As assertAvailable, for a student who may not be enrolled (then nothing is locked). */
  async assertAvailableToStudent(studentId: string, courseId: string, lessonId: string) {
    const enrollment = await this.enrollments.enrollmentOf(studentId, courseId);
    if (enrollment) await this.assertAvailable(enrollment, lessonId);
  }

  private async structureOf(courseId: string): Promise<CourseStructure> {
    const modules = await this.modules.structureOf(courseId);
    if (modules.length === 0) return { modules, lessons: [] };
    return { modules, lessons: await this.lessons.structureOf(courseId) };
  }
}
