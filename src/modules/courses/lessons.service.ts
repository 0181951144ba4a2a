import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { ValidationFailedError } from '../../common/errors/app-error';
import { AccessService } from '../access/access.service';
import { CourseCache } from './course-cache';
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
import { Course } from './entities/course.entity';
import { Lesson } from './entities/lesson.entity';
import { EnrollmentGateway } from './enrollment.gateway';
import { LessonsRepository } from './lessons.repository';

/** `videoUrl` belongs to video lessons only. */
function assertVideoUrlFits(contentType: string, videoUrl: string | null | undefined): void {
  if (videoUrl && contentType !== 'video') {
    throw new ValidationFailedError([
      { field: 'videoUrl', message: 'videoUrl is only allowed on video lessons' },
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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly courses: CoursesRepository,
    private readonly lessons: LessonsRepository,
    private readonly cache: CourseCache,
    private readonly enrollments: EnrollmentGateway,
    private readonly access: AccessService,
  ) {}

  async outline(courseId: string, caller?: AuthenticatedUser): Promise<LessonOutlineResponse[]> {
    await this.access.require(caller, 'course.view', courseId);
    return (await this.lessons.findByCourse(courseId)).map(toLessonOutline);
  }

  /**
   * The full lesson for the owner, admins, enrolled students, and any authenticated user when it
   * is a preview of a published course.
   */
  async get(id: string, caller: AuthenticatedUser): Promise<LessonResponse> {
    await this.access.require(caller, 'lesson.read', id);
    const lesson = await this.lessons.findById(id);
    if (!lesson) throw new LessonNotFoundError();
    return toLessonResponse(lesson);
  }

  async create(
    courseId: string,
    caller: AuthenticatedUser,
    dto: CreateLessonDto,
  ): Promise<LessonResponse> {
    assertVideoUrlFits(dto.contentType, dto.videoUrl);
    const lesson = await this.inCourseTransaction(courseId, caller, async (manager, course) => {
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
    const lesson = await this.inCourseTransaction(existing.courseId, caller, async (manager) => {
      const current = await manager.getRepository(Lesson).findOneBy({ id });
      if (!current) throw new LessonNotFoundError();
      // Against the locked row, and only for callers who may change it (others get 403/404).
      assertVideoUrlFits(
        dto.contentType ?? current.contentType,
        dto.videoUrl !== undefined ? dto.videoUrl : current.videoUrl,
      );
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
    await this.inCourseTransaction(existing.courseId, caller, async (manager, course) => {
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
    await this.inCourseTransaction(courseId, caller, async (manager) => {
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

  /**
   * For other modules: inside `manager`'s transaction, keeps the course's set of lessons from
   * changing until it ends (a shared lock on the course row, which lesson additions and removals
   * lock exclusively). Course edits do not wait for it.
   */
  holdLessonSet(manager: EntityManager, courseId: string): Promise<void> {
    return this.courses.shareLock(manager, courseId);
  }

  /** For other modules: lesson count inside a transaction. */
  countInCourse(manager: EntityManager, courseId: string): Promise<number> {
    return this.lessons.count(manager, courseId);
  }

  /** For other modules: the lesson if it belongs to this course, else null. */
  async findInCourse(lessonId: string, courseId: string): Promise<Lesson | null> {
    const lesson = await this.lessons.findById(lessonId);
    return lesson?.courseId === courseId ? lesson : null;
  }

  private async findLesson(id: string): Promise<Lesson> {
    const lesson = await this.lessons.findById(id);
    if (!lesson) throw new LessonNotFoundError();
    return lesson;
  }

  /**
   * Locks the course row (so concurrent lesson changes queue up and positions stay contiguous),
   * checks the caller may change it, runs `work`, and drops the cached catalogue afterwards.
   */
  private async inCourseTransaction<T>(
    courseId: string,
    caller: AuthenticatedUser,
    work: (manager: EntityManager, course: Course) => Promise<T>,
  ): Promise<T> {
    const result = await this.dataSource.transaction(async (manager) => {
      const course = await this.courses.lockById(manager, courseId);
      this.access.assert(caller, 'course.manage', { course });
      return work(manager, course!);
    });
    await this.cache.invalidate();
    return result;
  }
}
