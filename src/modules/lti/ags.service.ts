import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError, ValidationFailedError } from '../../common/errors/app-error';
import { LessonsService } from '../courses/lessons.service';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { AgsRepository, LineItemRow } from './ags.repository';
import { CreateLineItemDto, LineItemResponse, LineItemsQuery, ScoreDto } from './dto/ags.dto';
import { passes, passingPercentage } from './lti-claims';
import { LineItemNotFoundError } from './lti.errors';
import type { ToolGrant } from './lti-secrets';
import { LtiUrls } from './lti-urls';

/**
 * Assignment and Grade Services 2.0 for tools: line items per course (a tool sees and creates
 * only its own, in courses where one of its lessons is), and scores per student. A tool's token
 * names the tool; the course comes from the URL and is checked against the tool's deployments.
 */
@Injectable()
export class AgsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: AgsRepository,
    private readonly lessons: LessonsService,
    private readonly enrollments: EnrollmentsService,
    private readonly urls: LtiUrls,
  ) {}

  async list(
    grant: ToolGrant,
    courseId: string,
    query: LineItemsQuery,
  ): Promise<LineItemResponse[]> {
    await this.assertDeployed(grant, courseId);
    const limit = query.limit ?? 100;
    const rows = await this.repository.findPage(
      courseId,
      grant.toolId,
      { lessonId: query.resource_link_id, resourceId: query.resource_id, tag: query.tag },
      ((query.page ?? 1) - 1) * limit,
      limit,
    );
    return rows.map((row) => this.present(row));
  }

  async create(
    grant: ToolGrant,
    courseId: string,
    dto: CreateLineItemDto,
  ): Promise<LineItemResponse> {
    await this.assertDeployed(grant, courseId);
    if (dto.resourceLinkId) {
      const lesson = await this.lessons.findInCourse(dto.resourceLinkId, courseId);
      if (!lesson || lesson.ltiToolId !== grant.toolId) {
        throw new ValidationFailedError([
          {
            field: 'resourceLinkId',
            message: 'resourceLinkId must be a lesson of this course that launches this tool',
          },
        ]);
      }
    }
    const row = await this.repository.insert({
      courseId,
      toolId: grant.toolId,
      lessonId: dto.resourceLinkId ?? null,
      label: dto.label,
      scoreMaximum: dto.scoreMaximum,
      resourceId: dto.resourceId ?? null,
      tag: dto.tag ?? null,
    });
    return this.present(row);
  }

  async get(grant: ToolGrant, id: string): Promise<LineItemResponse> {
    return this.present(await this.ownLineItem(grant, id));
  }

  /**
   * Records the score (the latest `timestamp` wins) of an enrolled student. A Completed and
   * FullyGraded score of a lesson's line item at or above the lesson's passing percentage
   * completes the lesson, in the same transaction (as a passing quiz or assignment does).
   */
  async score(grant: ToolGrant, lineItemId: string, dto: ScoreDto): Promise<void> {
    const item = await this.ownLineItem(grant, lineItemId);
    if (dto.scoreGiven !== undefined && dto.scoreMaximum === undefined) {
      throw new ValidationFailedError([
        { field: 'scoreMaximum', message: 'scoreMaximum is required with scoreGiven' },
      ]);
    }
    const enrollment = await this.enrollments.findForStudent(dto.userId, item.courseId);
    if (!enrollment || (enrollment.status as string) === 'dropped') {
      throw new ValidationFailedError([
        { field: 'userId', message: 'userId is not a student enrolled in this course' },
      ]);
    }
    const lesson = item.lessonId
      ? await this.lessons.findInCourse(item.lessonId, item.courseId)
      : null;
    const completes =
      lesson !== null &&
      dto.activityProgress === 'Completed' &&
      dto.gradingProgress === 'FullyGraded' &&
      dto.scoreGiven !== undefined &&
      passes(dto.scoreGiven, dto.scoreMaximum!, passingPercentage(lesson.ltiCustom));
    await this.dataSource.transaction(async (manager) => {
      const written = await this.repository.upsertScore(manager, {
        lineItemId: item.id,
        userId: dto.userId,
        scoreGiven: dto.scoreGiven ?? null,
        scoreMaximum: dto.scoreMaximum ?? null,
        activityProgress: dto.activityProgress,
        gradingProgress: dto.gradingProgress,
        comment: dto.comment ?? null,
        timestamp: new Date(dto.timestamp),
      });
      if (written && completes && lesson) {
        await this.enrollments.recordCompletion(manager, enrollment, lesson.id);
      }
    });
  }

  private async ownLineItem(grant: ToolGrant, id: string): Promise<LineItemRow> {
    const item = await this.repository.findById(id);
    if (!item || item.toolId !== grant.toolId) throw new LineItemNotFoundError();
    return item;
  }

  /** A course where the tool has no lesson is 404 to it (as if it did not exist). */
  private async assertDeployed(grant: ToolGrant, courseId: string): Promise<void> {
    if (!(await this.repository.toolDeployedIn(grant.toolId, courseId))) {
      throw new NotFoundError('Course');
    }
  }

  private present(row: LineItemRow): LineItemResponse {
    return {
      id: this.urls.lineItem(row.id),
      scoreMaximum: Number(row.scoreMaximum),
      label: row.label,
      ...(row.lessonId ? { resourceLinkId: row.lessonId } : {}),
      ...(row.resourceId ? { resourceId: row.resourceId } : {}),
      ...(row.tag ? { tag: row.tag } : {}),
    };
  }
}
