import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Lesson } from './entities/lesson.entity';

/**
 * Positions are 1-based and contiguous per course. Every method that moves them runs inside the
 * caller's transaction, after the course row was locked; the unique (course, position)
 * constraint is deferred to commit, so intermediate states may overlap.
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
    await manager.query(
      'UPDATE lessons SET position = position + 1 WHERE course_id = $1 AND position >= $2',
      [data.courseId, data.position],
    );
    const result = await manager.getRepository(Lesson).insert(data);
    return manager
      .getRepository(Lesson)
      .findOneByOrFail({ id: (result.identifiers[0] as { id: string }).id });
  }

  async update(
    manager: EntityManager,
    id: string,
    changes: QueryDeepPartialEntity<Lesson>,
  ): Promise<void> {
    await manager.getRepository(Lesson).update({ id }, changes);
  }

  /** Moves a lesson to `to`, shifting the ones in between. */
  async move(manager: EntityManager, lesson: Lesson, to: number): Promise<void> {
    const from = lesson.position;
    if (to === from) return;
    if (to < from) {
      await manager.query(
        'UPDATE lessons SET position = position + 1 WHERE course_id = $1 AND position >= $2 AND position < $3',
        [lesson.courseId, to, from],
      );
    } else {
      await manager.query(
        'UPDATE lessons SET position = position - 1 WHERE course_id = $1 AND position > $2 AND position <= $3',
        [lesson.courseId, from, to],
      );
    }
    await manager.getRepository(Lesson).update({ id: lesson.id }, { position: to });
  }

  /** Deletes a lesson and closes the gap it leaves. */
  async deleteAndCompact(manager: EntityManager, lesson: Lesson): Promise<void> {
    await manager.getRepository(Lesson).delete({ id: lesson.id });
    await manager.query(
      'UPDATE lessons SET position = position - 1 WHERE course_id = $1 AND position > $2',
      [lesson.courseId, lesson.position],
    );
  }

  /** Gives `ids` (every lesson of the course) the positions 1..n in that order. */
  async setOrder(manager: EntityManager, courseId: string, ids: string[]): Promise<void> {
    await manager.query(
      `UPDATE lessons SET position = ordered.position, updated_at = now()
         FROM unnest($2::uuid[]) WITH ORDINALITY AS ordered(id, position)
        WHERE lessons.id = ordered.id AND lessons.course_id = $1`,
      [courseId, ids],
    );
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
