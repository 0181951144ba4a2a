import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import { ValidationFailedError } from '../../common/errors/app-error';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { coursePositions } from './course-positions';
import type { StructureLesson } from './course-structure';
import { Lesson } from './entities/lesson.entity';

/** A lesson naming an LTI tool that is not registered (the foreign key decides): 422. */
function unknownToolAs422(error: unknown): never {
  const driver =
    error instanceof QueryFailedError
      ? (error.driverError as { code?: string; constraint?: string })
      : {};
  if (driver.code === '23503' && driver.constraint === 'fk_lessons_lti_tool') {
    throw new ValidationFailedError([
      { field: 'ltiToolId', message: 'ltiToolId must be a registered LTI tool' },
    ]);
  }
  throw error;
}

/**
 * Positions are 1-based and contiguous per course (see course-positions.ts): every method that
 * moves them runs inside the caller's transaction, after the course row was locked.
 */
@Injectable()
export class LessonsRepository {
  constructor(@InjectRepository(Lesson) private readonly lessons: Repository<Lesson>) {}

  findById(id: string): Promise<Lesson | null> {
    return this.lessons.findOneBy({ id });
  }

  findByCourse(courseId: string, manager?: EntityManager): Promise<Lesson[]> {
    const repo = manager ? manager.getRepository(Lesson) : this.lessons;
    return repo.find({ where: { courseId }, order: { position: 'ASC' } });
  }

  count(manager: EntityManager, courseId: string): Promise<number> {
    return manager.getRepository(Lesson).countBy({ courseId });
  }

  /** Inserts at `position`, moving the lessons at or after it down one place. */
  async insertAt(
    manager: EntityManager,
    data: QueryDeepPartialEntity<Lesson> & { courseId: string; position: number },
  ): Promise<Lesson> {
    await coursePositions.openGap(manager, 'lessons', data.courseId, data.position);
    const result = await manager.getRepository(Lesson).insert(data).catch(unknownToolAs422);
    return manager
      .getRepository(Lesson)
      .findOneByOrFail({ id: (result.identifiers[0] as { id: string }).id });
  }

  async update(
    manager: EntityManager,
    id: string,
    changes: QueryDeepPartialEntity<Lesson>,
  ): Promise<void> {
    await manager.getRepository(Lesson).update({ id }, changes).catch(unknownToolAs422);
  }

  /** Moves a lesson to `to`, shifting the ones in between. */
  move(manager: EntityManager, lesson: Lesson, to: number): Promise<void> {
    return coursePositions.move(manager, 'lessons', lesson, lesson.position, to);
  }

  /** Deletes a lesson and closes the gap it leaves. */
  async deleteAndCompact(manager: EntityManager, lesson: Lesson): Promise<void> {
    await manager.getRepository(Lesson).delete({ id: lesson.id });
    await coursePositions.closeGap(manager, 'lessons', lesson.courseId, lesson.position);
  }

  /** Gives `ids` (every lesson of the course) the positions 1..n in that order. */
  setOrder(manager: EntityManager, courseId: string, ids: string[]): Promise<void> {
    return coursePositions.setOrder(manager, 'lessons', courseId, ids);
  }

  /**
   * Whether the lesson completes only by passing something: a published quiz or assignment tied
   * to it, or its LTI tool's score (lti lessons).
   */
  async completedByAssessment(lessonId: string): Promise<boolean> {
    const [row] = await this.lessons.query<Array<{ tied: boolean }>>(
      `SELECT EXISTS (SELECT 1 FROM quizzes WHERE lesson_id = $1 AND is_published)
           OR EXISTS (SELECT 1 FROM assignments WHERE lesson_id = $1 AND is_published)
           OR EXISTS (SELECT 1 FROM lessons WHERE id = $1 AND content_type = 'lti') AS tied`,
      [lessonId],
    );
    return row.tied;
  }

  /** The lessons of a course as the lock policy reads them. */
  async structureOf(courseId: string): Promise<StructureLesson[]> {
    const rows = await this.lessons.query<
      Array<{ id: string; module_id: string | null; position: number }>
    >(`SELECT id, module_id, position FROM lessons WHERE course_id = $1`, [courseId]);
    return rows.map((row) => ({ id: row.id, moduleId: row.module_id, position: row.position }));
  }

  /** Number of lessons per course, in one query. */
  async countByCourses(courseIds: string[]): Promise<Map<string, number>> {
    if (courseIds.length === 0) return new Map();
    const rows = await this.lessons
      .createQueryBuilder('l')
      .select('l.course_id', 'courseId')
      .addSelect('count(*)::int', 'count')
      .where('l.course_id IN (:...courseIds)', { courseIds })
      .groupBy('l.course_id')
      .getRawMany<{ courseId: string; count: number }>();
    return new Map(rows.map((row) => [row.courseId, row.count]));
  }
}
