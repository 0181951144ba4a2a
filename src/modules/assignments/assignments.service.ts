import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { ValidationFailedError } from '../../common/errors/app-error';
import { OutboxService } from '../../infra/outbox/outbox.service';
import type { CourseFacts } from '../access/access.policy';
import { AccessService } from '../access/access.service';
import { CoursesService } from '../courses/courses.service';
import { LessonsService } from '../courses/lessons.service';
import { assignmentPublishedJob } from './assignment-published.job';
import { AssignmentsRepository } from './assignments.repository';
import { AssignmentResponse, toAssignmentResponse } from './dto/assignment.response';
import { CreateAssignmentDto, RubricCriterionDto } from './dto/create-assignment.dto';
import { UpdateAssignmentDto } from './dto/update-assignment.dto';
import { Assignment, RubricCriterion } from './entities/assignment.entity';
import { rubricProblems } from './scoring';

/** What a caller may do with an assignment (access.policy.ts decides). */
export type AssignmentPermission = 'assignment.view' | 'assignment.manage';

/** Assignment authoring and reading; students see published assignments only. */
@Injectable()
export class AssignmentsService {
  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly courses: CoursesService,
    private readonly lessons: LessonsService,
    private readonly access: AccessService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  async listForCourse(courseId: string, caller?: AuthenticatedUser): Promise<AssignmentResponse[]> {
    const course = await this.courses.findAllowed(courseId, caller, 'course.view');
    const manages = this.access.can(caller, 'course.manage', { course });
    return (await this.assignments.findByCourse(courseId, !manages)).map(toAssignmentResponse);
  }

  async create(
    courseId: string,
    caller: AuthenticatedUser,
    dto: CreateAssignmentDto,
  ): Promise<AssignmentResponse> {
    await this.courses.findAllowed(courseId, caller, 'course.manage');
    await this.assertLessonOfCourse(dto.lessonId, courseId);
    this.assertRubricFits(dto.rubric, dto.maxPoints ?? 100);
    const assignment = await this.assignments.insert({
      ...toColumns(dto),
      courseId,
    });
    return toAssignmentResponse(assignment);
  }

  async get(id: string, caller?: AuthenticatedUser): Promise<AssignmentResponse> {
    return toAssignmentResponse((await this.findAllowed(id, caller, 'assignment.view')).assignment);
  }

  /** The rubric must still add up to maxPoints after the change (422 otherwise). */
  async update(
    id: string,
    caller: AuthenticatedUser,
    dto: UpdateAssignmentDto,
  ): Promise<AssignmentResponse> {
    const { assignment } = await this.findAllowed(id, caller, 'assignment.manage');
    if (dto.lessonId !== undefined)
      await this.assertLessonOfCourse(dto.lessonId, assignment.courseId);
    this.assertRubricFits(
      dto.rubric !== undefined ? dto.rubric : assignment.rubric,
      dto.maxPoints ?? assignment.maxPoints,
    );
    const changes = toColumns(dto);
    if (Object.keys(changes).length > 0) await this.assignments.update(id, changes);
    return toAssignmentResponse((await this.assignments.findById(id))!);
  }

  async remove(id: string, caller: AuthenticatedUser): Promise<void> {
    await this.findAllowed(id, caller, 'assignment.manage');
    await this.assignments.delete(id);
  }

  /**
   * Idempotent: publishing a published assignment returns it unchanged. The call that publishes
   * it also writes the job that notifies the enrolled students, in the same transaction.
   */
  async publish(id: string, caller: AuthenticatedUser): Promise<AssignmentResponse> {
    await this.findAllowed(id, caller, 'assignment.manage');
    const published = await this.dataSource.transaction(async (manager) => {
      if (!(await this.assignments.publish(manager, id))) return null;
      const assignment = (await this.assignments.findById(id, manager))!;
      await this.outbox.add(manager, assignmentPublishedJob(assignment));
      return assignment;
    });
    return toAssignmentResponse(published ?? (await this.assignments.findById(id))!);
  }

  /** For submissions: the assignment and its course if the policy lets this caller `permission`. */
  async findAllowed(
    id: string,
    caller: AuthenticatedUser | undefined,
    permission: AssignmentPermission,
  ): Promise<{ assignment: Assignment; course: CourseFacts }> {
    const { assignment, course } = await this.findWithCourse(id);
    this.access.assert(caller, permission, { course, assignment });
    return { assignment: assignment!, course: course! };
  }

  /** For submissions: the assignment and its course, unchecked (null when missing). */
  async findWithCourse(
    id: string,
  ): Promise<{ assignment: Assignment | null; course: CourseFacts | null }> {
    const assignment = await this.assignments.findById(id);
    const course = assignment ? await this.courses.findById(assignment.courseId) : null;
    return { assignment, course };
  }

  private assertRubricFits(
    rubric: readonly RubricCriterion[] | readonly RubricCriterionDto[] | null | undefined,
    maxPoints: number,
  ): void {
    const problems = rubricProblems(rubric, maxPoints);
    if (problems.length > 0) throw new ValidationFailedError(problems);
  }

  private async assertLessonOfCourse(
    lessonId: string | null | undefined,
    courseId: string,
  ): Promise<void> {
    if (!lessonId) return;
    if (!(await this.lessons.findInCourse(lessonId, courseId))) {
      throw new ValidationFailedError([
        { field: 'lessonId', message: 'lessonId must be a lesson of the same course' },
      ]);
    }
  }
}

/** The DTO as columns: plain objects for the jsonb ones (the DTO holds class instances). */
function toColumns(dto: UpdateAssignmentDto): QueryDeepPartialEntity<Assignment> {
  const { rubric, dueAt, submissionTypes, ...rest } = dto;
  const columns: Partial<Assignment> = { ...(rest as Partial<Assignment>) };
  if (dueAt !== undefined) columns.dueAt = dueAt === null ? null : new Date(dueAt);
  if (submissionTypes !== undefined) columns.submissionTypes = [...submissionTypes];
  if (rubric !== undefined) {
    columns.rubric =
      rubric?.map(({ criterion, points, description }) => ({
        criterion,
        points,
        description: description ?? null,
      })) ?? null;
  }
  // jsonb columns do not fit TypeORM's deep-partial type.
  return columns;
}
