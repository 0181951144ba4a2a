import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { ValidationFailedError } from '../../common/errors/app-error';
import { AccessService } from '../access/access.service';
import { closesCycle } from './course-structure';
import { CourseWrites } from './course-writes';
import { ModuleNotEmptyError, ModuleNotFoundError } from './courses.errors';
import { CreateModuleDto } from './dto/create-module.dto';
import { toLessonOutline } from './dto/lesson.response';
import {
  ModuleResponse,
  ModuleWithLessonsResponse,
  toLockStateResponse,
  toModuleResponse,
} from './dto/module.response';
import { UpdateModuleDto } from './dto/update-module.dto';
import { LearningModule } from './entities/learning-module.entity';
import { LearningModulesRepository } from './learning-modules.repository';
import { LessonLocksService } from './lesson-locks.service';
import { LessonsRepository } from './lessons.repository';

function positionProblem(position: number, max: number): ValidationFailedError {
  return new ValidationFailedError([
    { field: 'position', message: `position must be between 1 and ${max}` },
  ]);
}

/** Modules of a course: ordered, scheduled, with prerequisites that never form a cycle. */
@Injectable()
export class LearningModulesService {
  constructor(
    private readonly modules: LearningModulesRepository,
    private readonly lessons: LessonsRepository,
    private readonly writes: CourseWrites,
    private readonly access: AccessService,
    private readonly locks: LessonLocksService,
  ) {}

  /**
   * Modules by position with their lessons' outline; for an enrolled student each module and
   * lesson carries its lock `state`. Constant statements: modules, lessons, and the lock states
   * (at most three more), whatever the size of the course.
   */
  async list(courseId: string, caller?: AuthenticatedUser): Promise<ModuleWithLessonsResponse[]> {
    await this.access.require(caller, 'course.view', courseId);
    const [rows, lessons, locks] = await Promise.all([
      this.modules.findByCourse(courseId),
      this.lessons.findByCourse(courseId),
      caller ? this.locks.statesForStudent(caller.id, courseId) : null,
    ]);
    return rows.map((row) => {
      const moduleState = locks?.modules.get(row.module.id);
      return {
        ...toModuleResponse(row),
        lessons: lessons
          .filter((lesson) => lesson.moduleId === row.module.id)
          .map((lesson) => {
            const state = locks?.lessons.get(lesson.id);
            return {
              ...toLessonOutline(lesson),
              ...(state && { state: toLockStateResponse(state) }),
            };
          }),
        ...(moduleState && { state: toLockStateResponse(moduleState) }),
      };
    });
  }

  async create(
    courseId: string,
    caller: AuthenticatedUser,
    dto: CreateModuleDto,
  ): Promise<ModuleResponse> {
    const id = await this.writes.run(courseId, caller, async (manager) => {
      const count = await this.modules.count(manager, courseId);
      const position = dto.position ?? count + 1;
      if (position > count + 1) throw positionProblem(position, count + 1);
      const { prerequisiteModuleIds = [], ...fields } = dto;
      await this.assertPrerequisites(manager, courseId, null, prerequisiteModuleIds);
      const created = await this.modules.insertAt(manager, {
        ...(fields as QueryDeepPartialEntity<LearningModule>),
        courseId,
        position,
      });
      await this.modules.replacePrerequisites(manager, created, prerequisiteModuleIds);
      return created;
    });
    return toModuleResponse((await this.modules.findById(id))!);
  }

  async update(
    id: string,
    caller: AuthenticatedUser,
    dto: UpdateModuleDto,
  ): Promise<ModuleResponse> {
    const existing = await this.findModule(id);
    await this.writes.run(existing.courseId, caller, async (manager) => {
      const current = await this.modules.findById(id, manager);
      if (!current) throw new ModuleNotFoundError();
      const { position, prerequisiteModuleIds, ...fields } = dto;
      if (prerequisiteModuleIds !== undefined) {
        await this.assertPrerequisites(manager, current.module.courseId, id, prerequisiteModuleIds);
        await this.modules.replacePrerequisites(manager, id, prerequisiteModuleIds);
      }
      if (position !== undefined) {
        const count = await this.modules.count(manager, current.module.courseId);
        if (position > count) throw positionProblem(position, count);
        await this.modules.move(manager, current.module, position);
      }
      if (Object.keys(fields).length > 0) {
        await this.modules.update(manager, id, fields);
      }
    });
    return toModuleResponse((await this.modules.findById(id))!);
  }

  /** 409 MODULE_NOT_EMPTY while it holds lessons; prerequisites pointing at it go with it. */
  async remove(id: string, caller: AuthenticatedUser): Promise<void> {
    const existing = await this.findModule(id);
    await this.writes.run(existing.courseId, caller, async (manager) => {
      const current = await this.modules.findById(id, manager);
      if (!current) throw new ModuleNotFoundError();
      if ((await this.modules.countLessons(manager, id)) > 0) throw new ModuleNotEmptyError();
      await this.modules.deleteAndCompact(manager, current.module);
    });
  }

  /** `moduleIds` must list every module of the course exactly once (422 otherwise). */
  async reorder(
    courseId: string,
    caller: AuthenticatedUser,
    moduleIds: string[],
  ): Promise<ModuleResponse[]> {
    await this.writes.run(courseId, caller, async (manager) => {
      const current = await this.modules.findByCourse(courseId, manager);
      const known = new Set(current.map((row) => row.module.id));
      if (moduleIds.length !== current.length || !moduleIds.every((id) => known.has(id))) {
        throw new ValidationFailedError([
          {
            field: 'moduleIds',
            message: `moduleIds must list each of the course's ${current.length} modules exactly once`,
          },
        ]);
      }
      await this.modules.setOrder(manager, courseId, moduleIds);
    });
    return (await this.modules.findByCourse(courseId)).map(toModuleResponse);
  }

  /** Prerequisites: modules of the same course, not the module itself, closing no cycle (422). */
  private async assertPrerequisites(
    manager: EntityManager,
    courseId: string,
    moduleId: string | null,
    prerequisiteIds: string[],
  ): Promise<void> {
    if (prerequisiteIds.length === 0) return;
    const found = new Set(await this.modules.idsInCourse(courseId, prerequisiteIds, manager));
    const problem = (message: string) =>
      new ValidationFailedError([{ field: 'prerequisiteModuleIds', message }]);
    if (prerequisiteIds.some((id) => !found.has(id) || id === moduleId)) {
      throw problem('must be other modules of the same course');
    }
    if (!moduleId) return; // a new module has no dependents yet: it cannot close a cycle
    const edges = await this.modules.prerequisiteEdges(manager, courseId);
    if (closesCycle(moduleId, prerequisiteIds, edges)) {
      throw problem('would make modules depend on each other in a cycle');
    }
  }

  private async findModule(id: string): Promise<LearningModule> {
    const row = await this.modules.findById(id);
    if (!row) throw new ModuleNotFoundError();
    return row.module;
  }
}
