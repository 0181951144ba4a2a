import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { SortSpec } from '../../common/dto/sort';
import { isoTimestampSql } from '../../database/sql-timestamps';
import type { CourseFacts } from './dto/course.response';
import { Course, DifficultyLevel } from './entities/course.entity';

export interface CourseFilter {
  category?: string;
  difficultyLevel?: DifficultyLevel;
  instructorId?: string;
  /** Prefix words for the full-text search. */
  words?: string[];
  /** Only published courses, or also the drafts of this instructor, or everything (admin). */
  visibility: { kind: 'published' } | { kind: 'owner'; instructorId: string } | { kind: 'all' };
}

export type CourseSortField = 'createdAt' | 'title';

export interface CourseRow {
  course: CourseFacts;
  lessonCount: number;
  /** The instructor's full name (null if the user row is gone); read in the same query. */
  instructorName: string | null;
}

const SORT_COLUMNS: Record<CourseSortField, string> = {
  createdAt: 'c.created_at',
  title: 'c.title',
};

const LESSON_COUNT = '(SELECT count(*)::int FROM lessons l WHERE l.course_id = c.id)';

/**
 * The columns of a catalogue page: what a course response shows, the timestamps as ISO 8601 text
 * (they only pass through to JSON), plus the lesson count and the instructor's name.
 */
const PAGE_COLUMNS = `c.id, c.title, c.slug, c.description, c.category, c.difficulty_level,
  c.is_published, ${isoTimestampSql('c.published_at')} AS published_at, c.thumbnail_url,
  c.estimated_duration_minutes, c.metadata, c.instructor_id, c.rating_sum, c.rating_count,
  ${isoTimestampSql('c.created_at')} AS created_at, ${isoTimestampSql('c.updated_at')} AS updated_at,
  ${LESSON_COUNT} AS lesson_count,
  u.full_name AS instructor_name`;

interface PageRow {
  id: string;
  title: string;
  slug: string;
  description: string | null;
  category: string | null;
  difficulty_level: DifficultyLevel | null;
  is_published: boolean;
  published_at: string | null;
  thumbnail_url: string | null;
  estimated_duration_minutes: number | null;
  metadata: Record<string, unknown>;
  instructor_id: string;
  rating_sum: number;
  rating_count: number;
  created_at: string;
  updated_at: string;
  lesson_count: number;
  instructor_name: string | null;
}

/** The course of a page row (the driver already gives numbers and parsed jsonb). */
function courseOf(row: PageRow): CourseFacts {
  return {
    id: row.id,
    title: row.title,
    slug: row.slug,
    description: row.description,
    category: row.category,
    difficultyLevel: row.difficulty_level,
    isPublished: row.is_published,
    publishedAt: row.published_at,
    thumbnailUrl: row.thumbnail_url,
    estimatedDurationMinutes: row.estimated_duration_minutes,
    metadata: row.metadata,
    instructorId: row.instructor_id,
    ratingSum: row.rating_sum,
    ratingCount: row.rating_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Raised to the service when a slug clashes; it decides between 409 and another slug. */
export class SlugClashError extends Error {}

function isSlugClash(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driver = error.driverError as { code?: string; constraint?: string };
  return driver.code === '23505' && driver.constraint === 'ux_courses_slug';
}

@Injectable()
export class CoursesRepository {
  constructor(@InjectRepository(Course) private readonly courses: Repository<Course>) {}

  async insert(data: QueryDeepPartialEntity<Course>, manager?: EntityManager): Promise<Course> {
    const repo = manager ? manager.getRepository(Course) : this.courses;
    try {
      const result = await repo.insert(data);
      return repo.findOneByOrFail({ id: (result.identifiers[0] as { id: string }).id });
    } catch (error) {
      if (isSlugClash(error)) throw new SlugClashError();
      throw error;
    }
  }

  async update(
    id: string,
    changes: QueryDeepPartialEntity<Course>,
    manager?: EntityManager,
  ): Promise<void> {
    const repo = manager ? manager.getRepository(Course) : this.courses;
    try {
      await repo.update({ id }, changes);
    } catch (error) {
      if (isSlugClash(error)) throw new SlugClashError();
      throw error;
    }
  }

  findById(id: string): Promise<Course | null> {
    return this.courses.findOneBy({ id });
  }

  findBySlug(slug: string): Promise<Course | null> {
    return this.courses.findOneBy({ slug });
  }

  /** Serializes changes to one course's lessons (positions) within a transaction. */
  lockById(manager: EntityManager, id: string): Promise<Course | null> {
    return manager
      .getRepository(Course)
      .createQueryBuilder('c')
      .setLock('pessimistic_write')
      .where('c.id = :id', { id })
      .getOne();
  }

  /**
   * FOR KEY SHARE: conflicts with lockById (FOR UPDATE) but neither with other sharers nor with
   * plain updates of the course's columns.
   */
  /**
   * Until the transaction ends, other callers asking for the same base wait: slugs generated from
   * one title are handed out one at a time (a transaction-scoped advisory lock on the base).
   */
  async lockSlugBase(manager: EntityManager, base: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('courses.slug:' || $1))`, [base]);
  }

  /**
   * Publishes a draft: true when this call made the change (a concurrent publish, or an already
   * published course, gives false), so the transition and its event happen once.
   */
  async publishIfDraft(manager: EntityManager, id: string): Promise<Course | null> {
    const [rows] = await manager.query<[Array<{ id: string }>, number]>(
      `UPDATE courses SET is_published = true, published_at = now(), updated_at = now()
        WHERE id = $1 AND NOT is_published RETURNING id`,
      [id],
    );
    return rows.length > 0 ? manager.getRepository(Course).findOneBy({ id }) : null;
  }

  /** Takes a published course back to draft; false when it already was one. */
  async unpublishIfPublished(manager: EntityManager, id: string): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(Course)
      .set({ isPublished: false })
      .where('id = :id AND is_published', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async slugsStartingWith(base: string, manager?: EntityManager): Promise<string[]> {
    const rows = await (manager ? manager.getRepository(Course) : this.courses)
      .createQueryBuilder('c')
      .select('c.slug', 'slug')
      .where("c.slug = :base OR c.slug LIKE :prefix ESCAPE '\\'", {
        base,
        prefix: `${base.replace(/[\\%_]/g, (ch) => `\\${ch}`)}-%`,
      })
      .getRawMany<{ slug: string }>();
    return rows.map((row) => row.slug);
  }

  /** Moves the rating totals by a delta in one statement (concurrent changes add up). */
  async addRating(
    manager: EntityManager,
    id: string,
    sumDelta: number,
    countDelta: number,
  ): Promise<void> {
    await manager.query(
      `UPDATE courses SET rating_sum = rating_sum + $2, rating_count = rating_count + $3
        WHERE id = $1`,
      [id, sumDelta, countDelta],
    );
  }

  /** True when this call deleted the course (a concurrent delete gives false). */
  async delete(manager: EntityManager, id: string): Promise<boolean> {
    const result = await manager.getRepository(Course).delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async lessonCount(courseId: string): Promise<number> {
    const [row] = await this.courses.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM lessons WHERE course_id = $1',
      [courseId],
    );
    return row?.count ?? 0;
  }

  /**
   * One page with each course's lesson count and instructor name, and the total: two statements
   * sent at once (on two pooled connections), in plain SQL. This is the uncached catalogue path
   * (admins, `mine=true`, cache misses): no third round trip for the instructors, and no entity
   * hydration pass through the query builder.
   */
  async findPage(
    filter: CourseFilter,
    sort: SortSpec<CourseSortField>,
    offset: number,
    limit: number,
  ): Promise<[CourseRow[], number]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const visibility = filter.visibility;
    if (visibility.kind === 'published') conditions.push('c.is_published = true');
    if (visibility.kind === 'owner') {
      conditions.push(`c.instructor_id = ${param(visibility.instructorId)}`);
    }
    if (filter.category) conditions.push(`c.category = ${param(filter.category)}`);
    if (filter.difficultyLevel) {
      conditions.push(`c.difficulty_level = ${param(filter.difficultyLevel)}`);
    }
    if (filter.instructorId) conditions.push(`c.instructor_id = ${param(filter.instructorId)}`);
    if (filter.words?.length) {
      const tsquery = filter.words.map((word) => `${word}:*`).join(' & ');
      // Accents are dropped as the generated search_vector drops them (migration 800).
      conditions.push(
        `c.search_vector @@ to_tsquery('simple', public.lms_unaccent(${param(tsquery)}))`,
      );
    }
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const direction = sort.direction === 'DESC' ? 'DESC' : 'ASC';
    const countSql = `SELECT count(*)::int AS total FROM courses c ${where}`;
    // One round trip: the total rides along as an uncorrelated subquery (computed once; its own
    // `c` shadows the page's). Only a page past the end, which has no row to carry it, counts
    // again.
    const pageSql = `SELECT ${PAGE_COLUMNS}, (${countSql}) AS total
        FROM courses c LEFT JOIN users u ON u.id = c.instructor_id
        ${where}
       ORDER BY ${SORT_COLUMNS[sort.field]} ${direction}, c.id ASC
       LIMIT ${param(limit)} OFFSET ${param(offset)}`;
    const rows = await this.courses.query<Array<PageRow & { total: number }>>(pageSql, params);
    const total =
      rows.length > 0
        ? rows[0].total
        : ((await this.courses.query<Array<{ total: number }>>(countSql, params.slice(0, -2)))[0]
            ?.total ?? 0);
    const page = rows.map((row) => ({
      course: courseOf(row),
      lessonCount: row.lesson_count,
      instructorName: row.instructor_name,
    }));
    return [page, total];
  }

  /** id, title and slug of each course, in one query. */
  findSummaries(ids: string[]): Promise<Array<{ id: string; title: string; slug: string }>> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.courses
      .createQueryBuilder('c')
      .select(['c.id', 'c.title', 'c.slug'])
      .where('c.id IN (:...ids)', { ids })
      .getMany();
  }
}
