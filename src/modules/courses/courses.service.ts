import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { UnauthorizedError } from '../../common/errors/app-error';
import { Paginated } from '../../common/dto/paginated';
import { parseSort } from '../../common/dto/sort';
import { domainEventJob } from '../../infra/outbox/domain-event';
import { OutboxService } from '../../infra/outbox/outbox.service';
import { AuditLog } from '../audit/audit-log.service';
import { UsersService } from '../users/users.service';
import { AccessService } from '../access/access.service';
import { CourseCache } from './course-cache';
import { LessonsRepository } from './lessons.repository';
import {
  CourseFilter,
  CourseRow,
  CoursesRepository,
  CourseSortField,
  SlugClashError,
} from './courses.repository';
import { CourseNotFoundError, SlugTakenError } from './courses.errors';
import { CreateCourseDto } from './dto/create-course.dto';
import { CourseResponse, toCourseResponse } from './dto/course.response';
import { ListCoursesQuery } from './dto/list-courses.query';
import { UpdateCourseDto } from './dto/update-course.dto';
import { Course } from './entities/course.entity';
import { nextFreeSlug, slugify } from './slug';

/** Only explicit slugs chosen meanwhile can make a generated one clash: a few retries suffice. */
const SLUG_ATTEMPTS = 10;

export interface CourseSummary {
  id: string;
  title: string;
  slug: string;
}

/**
 * Words of a search, lower-case letters and digits only (safe inside to_tsquery). Accents stay:
 * the query drops them with the same function as the indexed column.
 */
function searchWords(q: string | undefined): string[] {
  return (q ?? '')
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 10);
}

@Injectable()
export class CoursesService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly courses: CoursesRepository,
    private readonly lessons: LessonsRepository,
    private readonly users: UsersService,
    private readonly outbox: OutboxService,
    private readonly cache: CourseCache,
    private readonly audit: AuditLog,
    private readonly access: AccessService,
  ) {}

  /** Cached catalogue pages show instructors' names: a rename drops them. */
  onModuleInit(): void {
    this.users.onNameChanged(() => this.cache.invalidate());
  }

  async create(caller: AuthenticatedUser, dto: CreateCourseDto): Promise<CourseResponse> {
    const { slug, ...fields } = dto;
    // jsonb `metadata` does not fit TypeORM's deep-partial type; the DTO has validated it.
    const data = { ...fields, instructorId: caller.id } as QueryDeepPartialEntity<Course>;
    let course: Course;
    if (slug) {
      course = await this.insertWithSlug(data, slug);
    } else {
      course = await this.insertWithGeneratedSlug(data, slugify(dto.title));
    }
    await this.cache.invalidate();
    return this.present(course);
  }

  async list(
    query: ListCoursesQuery,
    caller?: AuthenticatedUser,
  ): Promise<Paginated<CourseResponse>> {
    if (query.mine && !caller) throw new UnauthorizedError('Log in to list your own courses');
    const visibility: CourseFilter['visibility'] = query.mine
      ? { kind: 'owner', instructorId: caller!.id }
      : this.access.seesEverything(caller)
        ? { kind: 'all' }
        : { kind: 'published' };
    const load = () => this.loadPage(query, visibility);
    if (visibility.kind !== 'published') return load();
    const params = { ...query };
    const page = await this.cache.remember('page', params, async () => {
      const result = await load();
      return { items: result.items, meta: result.meta };
    });
    return new Paginated(page!.items, page!.meta.total, page!.meta.page, page!.meta.pageSize);
  }

  async getById(id: string, caller?: AuthenticatedUser): Promise<CourseResponse> {
    return this.getVisible('id', id, caller);
  }

  async getBySlug(slug: string, caller?: AuthenticatedUser): Promise<CourseResponse> {
    return this.getVisible('slug', slug, caller);
  }

  async update(
    id: string,
    caller: AuthenticatedUser,
    dto: UpdateCourseDto,
  ): Promise<CourseResponse> {
    await this.findManageable(id, caller);
    try {
      await this.courses.update(id, dto as QueryDeepPartialEntity<Course>);
    } catch (error) {
      if (error instanceof SlugClashError) throw new SlugTakenError();
      throw error;
    }
    await this.cache.invalidate();
    return this.present(await this.mustFind(id));
  }

  /**
   * Publishes a draft and writes `course.published` to the outbox in one transaction. Idempotent:
   * the conditional update decides, so concurrent publishes make one transition and one event.
   */
  async publish(id: string, caller: AuthenticatedUser): Promise<CourseResponse> {
    const course = await this.findManageable(id, caller);
    if (course.isPublished) return this.present(course);
    // Read before the transaction, which must not wait for a second pooled connection.
    const presented = await this.present(course);
    const changed = await this.dataSource.transaction(async (manager) => {
      const published = await this.courses.publishIfDraft(manager, id);
      if (!published) return false;
      const event = toCourseResponse(published, presented.instructor, presented.lessonCount);
      await this.outbox.add(manager, domainEventJob('course.published', event));
      await this.audit.record(manager, { action: 'course.published', resourceId: id });
      return true;
    });
    if (changed) await this.cache.invalidate();
    return this.present(await this.mustFind(id));
  }

  /** Idempotent, like publish. */
  async unpublish(id: string, caller: AuthenticatedUser): Promise<CourseResponse> {
    await this.findManageable(id, caller);
    const changed = await this.dataSource.transaction(async (manager) => {
      if (!(await this.courses.unpublishIfPublished(manager, id))) return false;
      await this.audit.record(manager, { action: 'course.unpublished', resourceId: id });
      return true;
    });
    if (changed) await this.cache.invalidate();
    return this.present(await this.mustFind(id));
  }

  /** Lessons, quizzes and enrollments go with it (foreign keys cascade). */
  async remove(id: string, caller: AuthenticatedUser): Promise<void> {
    const course = await this.findManageable(id, caller);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.courses.delete(manager, id))) return;
      const changes = { title: course.title, slug: course.slug };
      await this.audit.record(manager, { action: 'course.deleted', resourceId: id, changes });
    });
    await this.cache.invalidate();
  }

  /** For other modules acting on the system's behalf (jobs): the course, whatever its state. */
  findById(id: string): Promise<Course | null> {
    return this.courses.findById(id);
  }

  /** For other modules: the course if this caller may see it, else CourseNotFoundError. */
  async findVisible(id: string, caller?: AuthenticatedUser): Promise<Course> {
    return this.findAllowed(id, caller, 'course.view');
  }

  /** For other modules: the course if this caller may change it (404/403 otherwise). */
  async findManageable(id: string, caller: AuthenticatedUser): Promise<Course> {
    return this.findAllowed(id, caller, 'course.manage');
  }

  /** For other modules: the course if the access policy lets this caller do `permission`. */
  async findAllowed(
    id: string,
    caller: AuthenticatedUser | undefined,
    permission: 'course.view' | 'course.manage' | 'course.enroll',
  ): Promise<Course> {
    const course = await this.courses.findById(id);
    this.access.assert(caller, permission, { course });
    return course!;
  }

  /** For other modules: one course as the API shows it (events, summaries). */
  async present(course: Course): Promise<CourseResponse> {
    const [instructors, lessonCount] = await Promise.all([
      this.users.summaries([course.instructorId]),
      this.courses.lessonCount(course.id),
    ]);
    return toCourseResponse(
      course,
      this.instructorOf(instructors, course.instructorId),
      lessonCount,
    );
  }

  /**
   * For reviews: moves the course's rating totals inside the review's transaction (one UPDATE by
   * delta, on the transaction's connection).
   */
  addRating(
    manager: EntityManager,
    courseId: string,
    sumDelta: number,
    countDelta: number,
  ): Promise<void> {
    return this.courses.addRating(manager, courseId, sumDelta, countDelta);
  }

  /** After a committed rating change: cached catalogue pages and courses show the new figures. */
  ratingsChanged(): Promise<void> {
    return this.cache.invalidate();
  }

  /** For other modules: lesson counts of several courses in one query (absent = 0). */
  lessonCounts(courseIds: string[]): Promise<Map<string, number>> {
    return this.lessons.countByCourses([...new Set(courseIds)]);
  }

  /** For other modules: `{id, title, slug}` by course id, in one query. */
  async summaries(ids: string[]): Promise<Map<string, CourseSummary>> {
    const rows = await this.courses.findSummaries([...new Set(ids)]);
    return new Map(rows.map((row) => [row.id, { id: row.id, title: row.title, slug: row.slug }]));
  }

  private async getVisible(
    by: 'id' | 'slug',
    value: string,
    caller?: AuthenticatedUser,
  ): Promise<CourseResponse> {
    const find = () =>
      by === 'id' ? this.courses.findById(value) : this.courses.findBySlug(value);
    const published = await this.cache.remember(`course:${by}`, { value }, async () => {
      const course = await find();
      return course?.isPublished ? this.present(course) : null;
    });
    if (published) return published;
    const course = await find();
    this.access.assert(caller, 'course.view', { course });
    return this.present(course!);
  }

  private async loadPage(
    query: ListCoursesQuery,
    visibility: CourseFilter['visibility'],
  ): Promise<Paginated<CourseResponse>> {
    const [rows, total] = await this.courses.findPage(
      {
        category: query.category,
        difficultyLevel: query.difficultyLevel,
        instructorId: query.instructorId,
        words: searchWords(query.q),
        visibility,
      },
      parseSort<CourseSortField>(query.sort),
      Paginated.offset(query.page, query.pageSize),
      query.pageSize,
    );
    return new Paginated(this.presentRows(rows), total, query.page, query.pageSize);
  }

  /** A page of courses with their instructors, read by the page query itself (no N+1). */
  private presentRows(rows: CourseRow[]): CourseResponse[] {
    return rows.map((row) =>
      toCourseResponse(
        row.course,
        { id: row.course.instructorId, fullName: row.instructorName ?? '' },
        row.lessonCount,
      ),
    );
  }

  private instructorOf(
    instructors: Map<string, { id: string; fullName: string }>,
    id: string,
  ): { id: string; fullName: string } {
    return instructors.get(id) ?? { id, fullName: '' };
  }

  private async mustFind(id: string): Promise<Course> {
    const course = await this.courses.findById(id);
    if (!course) throw new CourseNotFoundError();
    return course;
  }

  private async insertWithSlug(
    data: QueryDeepPartialEntity<Course>,
    slug: string,
  ): Promise<Course> {
    try {
      return await this.courses.insert({ ...data, slug });
    } catch (error) {
      if (error instanceof SlugClashError) throw new SlugTakenError();
      throw error;
    }
  }

  /**
   * Creations from the same title take turns (an advisory lock on the base slug), so each sees
   * the others' slugs. The unique index still decides: a slug taken meanwhile by an explicit
   * `slug` (which does not queue) makes this pick again.
   */
  private async insertWithGeneratedSlug(
    data: QueryDeepPartialEntity<Course>,
    base: string,
  ): Promise<Course> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(async (manager) => {
          await this.courses.lockSlugBase(manager, base);
          const slug = nextFreeSlug(base, await this.courses.slugsStartingWith(base, manager));
          return this.courses.insert({ ...data, slug }, manager);
        });
      } catch (error) {
        if (!(error instanceof SlugClashError) || attempt >= SLUG_ATTEMPTS) throw error;
      }
    }
  }
}
