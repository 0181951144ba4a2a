import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { ValidationFailedError } from '../../common/errors/app-error';
import { AccessService } from '../access/access.service';
import { CourseWrites } from './course-writes';
import { CoursesRepository } from './courses.repository';
import { LessonNotFoundError } from './courses.errors';
import { CreateLessonDto } from './dto/create-lesson.dto';
import {
  LessonOutlineResponse,
  LessonResponse,
  toLessonOutline,
  toLessonResponse,
} from './dto/lesson.response';
import { UpdateLessonDto } from './dto/update-lesson.dto';
import { Lesson } from './entities/lesson.entity';
import { EnrollmentGateway } from './enrollment.gateway';
import { LearningModulesRepository } from './learning-modules.repository';
import { LessonLocksService } from './lesson-locks.service';
import { LessonsRepository } from './lessons.repository';

/** `videoUrl` belongs to video lessons only. */
function assertVideoUrlFits(contentType: string, videoUrl: string | null | undefined): void {
  if (videoUrl && contentType !== 'video') {
    throw new ValidationFailedError([
      { field: 'videoUrl', message: 'videoUrl is only allowed on video lessons' },
    ]);
  }
}

/** An `lti` lesson names its tool; `ltiToolId` and `ltiCustom` belong to lti lessons only. */
function assertLtiFits(
  contentType: string,
  ltiToolId: string | null | undefined,
  ltiCustom: Record<string, string> | null | undefined,
): void {
  if (contentType === 'lti' && !ltiToolId) {
    throw new ValidationFailedError([
      { field: 'ltiToolId', message: 'ltiToolId is required on lti lessons' },
    ]);
  }
  if (contentType !== 'lti' && (ltiToolId || ltiCustom)) {
    throw new ValidationFailedError([
      {
        field: ltiToolId ? 'ltiToolId' : 'ltiCustom',
        message: 'ltiToolId and ltiCustom are only allowed on lti lessons',
      },
    ]);
  }
}

function assertPosition(position: number, max: number): void {
  if (position > max) {
    throw new ValidationFailedError([
      { field: 'position', message: `position must be between 1 and ${max}` },
    ]);
  }
}

@Injectable()
export class LessonsService {
  constructor(
    private readonly courses: CoursesRepository,
    private readonly lessons: LessonsRepository,
    private readonly modules: LearningModulesRepository,
    private readonly writes: CourseWrites,
    private readonly enrollments: EnrollmentGateway,
    private readonly access: AccessService,
    private readonly locks: LessonLocksService,
  ) {}

  async outline(courseId: string, caller?: AuthenticatedUser): Promise<LessonOutlineResponse[]> {
    await this.access.require(caller, 'course.view', courseId);
    return (await this.lessons.findByCourse(courseId)).map(toLessonOutline);
  }

  /**
   * The full lesson for the owner, admins, enrolled students, and any authenticated user when it
   * is a preview of a published course; an enrolled student's locked lesson is 403 LESSON_LOCKED.
   */
  async get(id: string, caller: AuthenticatedUser): Promise<LessonResponse> {
    await this.access.require(caller, 'lesson.read', id);
    const lesson = await this.lessons.findById(id);
    if (!lesson) throw new LessonNotFoundError();
    await this.locks.assertAvailableToStudent(caller.id, lesson.courseId, lesson.id);
    return toLessonResponse(lesson);
  }

  async create(
    courseId: string,
    caller: AuthenticatedUser,
    dto: CreateLessonDto,
  ): Promise<LessonResponse> {
    assertVideoUrlFits(dto.contentType, dto.videoUrl);
    assertLtiFits(dto.contentType, dto.ltiToolId, dto.ltiCustom);
    const lesson = await this.writes.run(courseId, caller, async (manager, course) => {
      await this.assertModuleOfCourse(manager, dto.moduleId, courseId);
      const count = await this.lessons.count(manager, courseId);
      const position = dto.position ?? count + 1;
      assertPosition(position, count + 1);
      const created = await this.lessons.insertAt(manager, {
        ...(dto as QueryDeepPartialEntity<Lesson>),
        courseId,
        position,
      });
      await this.enrollments.lessonsChanged(manager, course, count + 1);
      return created;
    });
    return toLessonResponse(lesson);
  }

  async update(
    id: string,
    caller: AuthenticatedUser,
    dto: UpdateLessonDto,
  ): Promise<LessonResponse> {
    const existing = await this.findLesson(id);
    const lesson = await this.writes.run(existing.courseId, caller, async (manager) => {
      const current = await manager.getRepository(Lesson).findOneBy({ id });
      if (!current) throw new LessonNotFoundError();
      // Against the locked row, and only for callers who may change it (others get 403/404).
      assertVideoUrlFits(
        dto.contentType ?? current.contentType,
        dto.videoUrl !== undefined ? dto.videoUrl : current.videoUrl,
      );
      const contentType = dto.contentType ?? current.contentType;
      // Leaving the lti type drops the tool link unless the request sets it (then 422 below).
      const keepsLti = contentType === 'lti';
      assertLtiFits(
        contentType,
        dto.ltiToolId !== undefined ? dto.ltiToolId : keepsLti ? current.ltiToolId : null,
        dto.ltiCustom !== undefined ? dto.ltiCustom : keepsLti ? current.ltiCustom : null,
      );
      if (!keepsLti && current.contentType === 'lti') {
        Object.assign(dto, { ltiToolId: null, ltiCustom: null });
      }
      await this.assertModuleOfCourse(manager, dto.moduleId, current.courseId);
      const { position, ...fields } = dto;
      if (position !== undefined) {
        assertPosition(position, await this.lessons.count(manager, current.courseId));
        await this.lessons.move(manager, current, position);
      }
      if (Object.keys(fields).length > 0) {
        await this.lessons.update(manager, id, fields as QueryDeepPartialEntity<Lesson>);
      }
      return manager.getRepository(Lesson).findOneByOrFail({ id });
    });
    return toLessonResponse(lesson);
  }

  /** The remaining lessons keep contiguous positions. */
  async remove(id: string, caller: AuthenticatedUser): Promise<void> {
    const existing = await this.findLesson(id);
    await this.writes.run(existing.courseId, caller, async (manager, course) => {
      const current = await manager.getRepository(Lesson).findOneBy({ id });
      if (!current) throw new LessonNotFoundError();
      await this.lessons.deleteAndCompact(manager, current);
      await this.enrollments.lessonsChanged(
        manager,
        course,
        await this.lessons.count(manager, current.courseId),
      );
    });
  }

  /** `lessonIds` must list every lesson of the course exactly once (422 otherwise). */
  async reorder(
    courseId: string,
    caller: AuthenticatedUser,
    lessonIds: string[],
  ): Promise<LessonOutlineResponse[]> {
    await this.writes.run(courseId, caller, async (manager) => {
      const current = await this.lessons.findByCourse(courseId, manager);
      const known = new Set(current.map((lesson) => lesson.id));
      const complete =
        lessonIds.length === current.length && lessonIds.every((lessonId) => known.has(lessonId));
      if (!complete) {
        throw new ValidationFailedError([
          {
            field: 'lessonIds',
            message: `lessonIds must list each of the course's ${current.length} lessons exactly once`,
          },
        ]);
      }
      await this.lessons.setOrder(manager, courseId, lessonIds);
    });
    return (await this.lessons.findByCourse(courseId)).map(toLessonOutline);
  }

  /** For other modules: the lessons of a course, by position (inside `manager`'s transaction). */
  lessonsOf(courseId: string, manager?: EntityManager): Promise<Lesson[]> {
    return this.lessons.findByCourse(courseId, manager);
  }

  /** For other modules: the lesson if it belongs to this course, else null. */
  async findInCourse(lessonId: string, courseId: string): Promise<Lesson | null> {
    const lesson = await this.lessons.findById(lessonId);
    return lesson?.courseId === courseId ? lesson : null;
  }

  /** For other modules: whether the lesson completes only by passing its assessment. */
  completedByAssessment(lessonId: string): Promise<boolean> {
    return this.lessons.completedByAssessment(lessonId);
  }

  /** `moduleId` must be a module of the same course (422); null or absent is always fine. */
  private async assertModuleOfCourse(
    manager: EntityManager,
    moduleId: string | null | undefined,
    courseId: string,
  ): Promise<void> {
    if (!moduleId) return;
    if ((await this.modules.idsInCourse(courseId, [moduleId], manager)).length === 0) {
      throw new ValidationFailedError([
        { field: 'moduleId', message: 'must be a module of the same course' },
      ]);
    }
  }

  private async findLesson(id: string): Promise<Lesson> {
    const lesson = await this.lessons.findById(id);
    if (!lesson) throw new LessonNotFoundError();
    return lesson;
  }
}
