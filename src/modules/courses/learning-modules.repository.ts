import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { coursePositions } from './course-positions';
import type { StructureModule } from './course-structure';
import { LearningModule } from './entities/learning-module.entity';

/** A module with what its response shows besides its columns. */
export interface ModuleRow {
  module: LearningModule;
  prerequisiteIds: string[];
  lessonCount: number;
}

interface RawModule {
  id: string;
  course_id: string;
  title: string;
  description: string | null;
  position: number;
  unlock_at: Date | null;
  unlock_after_days: number | null;
  require_sequential_progress: boolean;
  created_at: Date;
  updated_at: Date;
  prerequisite_ids: string[];
  lesson_count: number;
}

const SELECT_MODULES = `
  SELECT m.*,
         coalesce((SELECT array_agg(p.prerequisite_id ORDER BY p.prerequisite_id)
                     FROM module_prerequisites p WHERE p.module_id = m.id), '{}') AS prerequisite_ids,
         (SELECT count(*)::int FROM lessons l WHERE l.module_id = m.id) AS lesson_count
    FROM course_modules m`;

function toRow(raw: RawModule): ModuleRow {
  const module = Object.assign(new LearningModule(), {
    id: raw.id,
    courseId: raw.course_id,
    title: raw.title,
    description: raw.description,
    position: raw.position,
    unlockAt: raw.unlock_at,
    unlockAfterDays: raw.unlock_after_days,
    requireSequentialProgress: raw.require_sequential_progress,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  });
  return { module, prerequisiteIds: raw.prerequisite_ids, lessonCount: raw.lesson_count };
}

/** Modules of a course and their prerequisites; positions as lessons' (course-positions.ts). */
@Injectable()
export class LearningModulesRepository {
  constructor(
    @InjectRepository(LearningModule) private readonly modules: Repository<LearningModule>,
  ) {}

  private run(manager: EntityManager | undefined): EntityManager {
    return manager ?? this.modules.manager;
  }

  /** The course's modules by position, with prerequisites and lesson counts: one statement. */
  async findByCourse(courseId: string, manager?: EntityManager): Promise<ModuleRow[]> {
    const rows = await this.run(manager).query<RawModule[]>(
      `${SELECT_MODULES} WHERE m.course_id = $1 ORDER BY m.position`,
      [courseId],
    );
    return rows.map(toRow);
  }

  async findById(id: string, manager?: EntityManager): Promise<ModuleRow | null> {
    const [row] = await this.run(manager).query<RawModule[]>(`${SELECT_MODULES} WHERE m.id = $1`, [
      id,
    ]);
    return row ? toRow(row) : null;
  }

  /** Module ids among `ids` that belong to the course. */
  async idsInCourse(courseId: string, ids: string[], manager?: EntityManager): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.run(manager).query<Array<{ id: string }>>(
      `SELECT id FROM course_modules WHERE course_id = $1 AND id = ANY($2::uuid[])`,
      [courseId, ids],
    );
    return rows.map((row) => row.id);
  }

  count(manager: EntityManager, courseId: string): Promise<number> {
    return manager.getRepository(LearningModule).countBy({ courseId });
  }

  async insertAt(
    manager: EntityManager,
    data: QueryDeepPartialEntity<LearningModule> & { courseId: string; position: number },
  ): Promise<string> {
    await coursePositions.openGap(manager, 'course_modules', data.courseId, data.position);
    const result = await manager.getRepository(LearningModule).insert(data);
    return (result.identifiers[0] as { id: string }).id;
  }

  async update(
    manager: EntityManager,
    id: string,
    changes: QueryDeepPartialEntity<LearningModule>,
  ): Promise<void> {
    await manager.getRepository(LearningModule).update({ id }, changes);
  }

  move(manager: EntityManager, module: LearningModule, to: number): Promise<void> {
    return coursePositions.move(manager, 'course_modules', module, module.position, to);
  }

  /** Deletes a module (its prerequisite edges go with it) and closes the gap it leaves. */
  async deleteAndCompact(manager: EntityManager, module: LearningModule): Promise<void> {
    await manager.getRepository(LearningModule).delete({ id: module.id });
    await coursePositions.closeGap(manager, 'course_modules', module.courseId, module.position);
  }

  setOrder(manager: EntityManager, courseId: string, ids: string[]): Promise<void> {
    return coursePositions.setOrder(manager, 'course_modules', courseId, ids);
  }

  async replacePrerequisites(
    manager: EntityManager,
    moduleId: string,
    prerequisiteIds: string[],
  ): Promise<void> {
    await manager.query('DELETE FROM module_prerequisites WHERE module_id = $1', [moduleId]);
    if (prerequisiteIds.length === 0) return;
    await manager.query(
      `INSERT INTO module_prerequisites (module_id, prerequisite_id)
       SELECT $1, unnest($2::uuid[])`,
      [moduleId, prerequisiteIds],
    );
  }

  /** Every prerequisite edge of the course: module id -> its prerequisites' ids. */
  async prerequisiteEdges(
    manager: EntityManager,
    courseId: string,
  ): Promise<Map<string, string[]>> {
    const rows = await manager.query<Array<{ module_id: string; prerequisite_ids: string[] }>>(
      `SELECT p.module_id, array_agg(p.prerequisite_id) AS prerequisite_ids
         FROM module_prerequisites p JOIN course_modules m ON m.id = p.module_id
        WHERE m.course_id = $1 GROUP BY p.module_id`,
      [courseId],
    );
    return new Map(rows.map((row) => [row.module_id, row.prerequisite_ids]));
  }

  async countLessons(manager: EntityManager, moduleId: string): Promise<number> {
    const [row] = await manager.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM lessons WHERE module_id = $1',
      [moduleId],
    );
    return row.count;
  }

  /** The modules of a course as the lock policy reads them: one statement. */
  async structureOf(courseId: string): Promise<StructureModule[]> {
    const rows = await this.modules.query<
      Array<{
        id: string;
        position: number;
        unlock_at: Date | null;
        unlock_after_days: number | null;
        require_sequential_progress: boolean;
        prerequisite_ids: string[];
      }>
    >(
      `SELECT m.id, m.position, m.unlock_at, m.unlock_after_days, m.require_sequential_progress,
              coalesce(array_agg(p.prerequisite_id) FILTER (WHERE p.prerequisite_id IS NOT NULL), '{}')
                AS prerequisite_ids
         FROM course_modules m LEFT JOIN module_prerequisites p ON p.module_id = m.id
        WHERE m.course_id = $1
        GROUP BY m.id`,
      [courseId],
    );
    return rows.map((row) => ({
      id: row.id,
      position: row.position,
      unlockAt: row.unlock_at,
      unlockAfterDays: row.unlock_after_days,
      prerequisiteIds: row.prerequisite_ids,
      requireSequentialProgress: row.require_sequential_progress,
    }));
  }
}
