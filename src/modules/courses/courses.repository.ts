import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { SortSpec } from '../../common/dto/sort';
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
  course: Course;
  lessonCount: number;
}

const SORT_COLUMNS: Record<CourseSortField, string> = {
  createdAt: 'c.created_at',
  title: 'c.title',
};

const LESSON_COUNT = '(SELECT count(*)::int FROM lessons l WHERE l.course_id = c.id)';

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

  async insert(data: QueryDeepPartialEntity<Course>): Promise<Course> {
    try {
      const result = await this.courses.insert(data);
      return this.courses.findOneByOrFail({ id: (result.identifiers[0] as { id: string }).id });
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

  async slugsStartingWith(base: string): Promise<string[]> {
    const rows = await this.courses
      .createQueryBuilder('c')
      .select('c.slug', 'slug')
      .where("c.slug = :base OR c.slug LIKE :prefix ESCAPE '\\'", {
        base,
        prefix: `${base.replace(/[\\%_]/g, (ch) => `\\${ch}`)}-%`,
      })
      .getRawMany<{ slug: string }>();
    return rows.map((row) => row.slug);
  }

  async delete(id: string): Promise<void> {
    await this.courses.delete({ id });
  }

  async lessonCount(courseId: string): Promise<number> {
    const [row] = await this.courses.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM lessons WHERE course_id = $1',
      [courseId],
    );
    return row?.count ?? 0;
  }

  /** One page with each course's lesson count, in one query (plus the count). */
  async findPage(
    filter: CourseFilter,
    sort: SortSpec<CourseSortField>,
    offset: number,
    limit: number,
  ): Promise<[CourseRow[], number]> {
    const query = this.courses.createQueryBuilder('c').addSelect(LESSON_COUNT, 'lesson_count');
    const visibility = filter.visibility;
    if (visibility.kind === 'published') query.andWhere('c.is_published = true');
    if (visibility.kind === 'owner') {
      query.andWhere('c.instructor_id = :owner', { owner: visibility.instructorId });
    }
    if (filter.category) query.andWhere('c.category = :category', { category: filter.category });
    if (filter.difficultyLevel) {
      query.andWhere('c.difficulty_level = :level', { level: filter.difficultyLevel });
    }
    if (filter.instructorId) {
      query.andWhere('c.instructor_id = :instructorId', { instructorId: filter.instructorId });
    }
    if (filter.words?.length) {
      query.andWhere("c.search_vector @@ to_tsquery('simple', :tsquery)", {
        tsquery: filter.words.map((word) => `${word}:*`).join(' & '),
      });
    }
    const total = await query.getCount();
    const { entities, raw } = await query
      .orderBy(SORT_COLUMNS[sort.field], sort.direction)
      .addOrderBy('c.id', 'ASC')
      .offset(offset)
      .limit(limit)
      .getRawAndEntities<{ lesson_count: number }>();
    return [entities.map((course, i) => ({ course, lessonCount: raw[i].lesson_count })), total];
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
