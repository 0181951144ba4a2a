import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { AccessService } from '../access/access.service';
import { CourseCache } from './course-cache';
import { CoursesRepository } from './courses.repository';
import { Course } from './entities/course.entity';

/**
 * Changes to a course's structure (lessons, modules): one transaction that first locks the course
 * row (so concurrent changes queue up, positions stay contiguous and lesson completions, which
 * share-lock it, never interleave with a recount), checks that the caller may manage the course,
 * runs `work`, and drops the cached catalogue afterwards.
 */
@Injectable()
export class CourseWrites {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly courses: CoursesRepository,
    private readonly cache: CourseCache,
    private readonly access: AccessService,
  ) {}

  async run<T>(
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
