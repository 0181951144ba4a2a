import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Paginated } from '../../common/dto/paginated';
import { PaginationQueryDto } from '../../common/dto/pagination-query.dto';
import { AccessService } from '../access/access.service';
import { CoursesService } from '../courses/courses.service';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { UsersService } from '../users/users.service';
import { PutReviewDto } from './dto/put-review.dto';
import { ReviewResponse, toReviewResponse } from './dto/review.response';
import { RatingDelta, ReviewsRepository } from './reviews.repository';

/**
 * Course reviews. Each change moves the course's rating totals by a delta in its own transaction
 * (review row locked first, then the course row: the same order everywhere), so concurrent
 * reviews leave exact totals without ever recounting.
 */
@Injectable()
export class ReviewsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reviews: ReviewsRepository,
    private readonly courses: CoursesService,
    private readonly enrollments: EnrollmentsService,
    private readonly users: UsersService,
    private readonly access: AccessService,
  ) {}

  /** Creates or replaces the caller's review (students enrolled in the course, not dropped). */
  async put(
    courseId: string,
    caller: AuthenticatedUser,
    body: PutReviewDto,
  ): Promise<ReviewResponse> {
    const course = await this.courses.findAllowed(courseId, caller, 'course.view');
    const enrollment = await this.enrollments.findForStudent(caller.id, courseId);
    this.access.assert(caller, 'course.review', { course, enrollment });
    const author = await this.users.getById(caller.id);
    const change = await this.apply(
      (manager) =>
        this.reviews.upsert(manager, courseId, caller.id, body.rating, body.comment ?? null),
      courseId,
    );
    return toReviewResponse(change.review!, { id: author.id, fullName: author.fullName });
  }

  /** Removes the caller's review, if any (204 either way). */
  async remove(courseId: string, caller: AuthenticatedUser): Promise<void> {
    await this.courses.findAllowed(courseId, caller, 'course.view');
    await this.apply((manager) => this.reviews.delete(manager, courseId, caller.id), courseId);
  }

  /** Reviews of a course anyone who sees it may read, newest first. */
  async list(
    courseId: string,
    caller: AuthenticatedUser | undefined,
    query: PaginationQueryDto,
  ): Promise<Paginated<ReviewResponse>> {
    await this.courses.findAllowed(courseId, caller, 'course.view');
    const [rows, total] = await this.reviews.findPage(
      courseId,
      Paginated.offset(query.page, query.pageSize),
      query.pageSize,
    );
    const items = rows.map((row) =>
      toReviewResponse(row.review, { id: row.review.studentId, fullName: row.authorName ?? '' }),
    );
    return new Paginated(items, total, query.page, query.pageSize);
  }

  private async apply(
    write: (manager: EntityManager) => Promise<RatingDelta>,
    courseId: string,
  ): Promise<RatingDelta> {
    const change = await this.dataSource.transaction(async (manager) => {
      const delta = await write(manager);
      if (delta.sumDelta !== 0 || delta.countDelta !== 0) {
        await this.courses.addRating(manager, courseId, delta.sumDelta, delta.countDelta);
      }
      return delta;
    });
    if (change.sumDelta !== 0 || change.countDelta !== 0) await this.courses.ratingsChanged();
    return change;
  }
}
