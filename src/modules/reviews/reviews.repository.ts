import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { CourseReview } from './entities/course-review.entity';

export interface ReviewPageRow {
  review: CourseReview;
  authorName: string | null;
}

/** What a write changed in the course's rating totals. */
export interface RatingDelta {
  review: CourseReview | null;
  sumDelta: number;
  countDelta: number;
}

@Injectable()
export class ReviewsRepository {
  constructor(@InjectRepository(CourseReview) private readonly reviews: Repository<CourseReview>) {}

  /**
   * Creates or replaces the student's review and says how the totals move. The existing row is
   * locked first, so its old rating is the one replaced; a concurrent first review by the same
   * student makes the insert wait and do nothing, and the next round replaces that one.
   */
  async upsert(
    manager: EntityManager,
    courseId: string,
    studentId: string,
    rating: number,
    comment: string | null,
  ): Promise<RatingDelta> {
    for (let round = 0; round < 3; round++) {
      const [current] = await manager.query<Array<{ rating: number }>>(
        `SELECT rating FROM course_reviews WHERE course_id = $1 AND student_id = $2 FOR UPDATE`,
        [courseId, studentId],
      );
      if (current) {
        const review = await this.write(
          manager,
          `UPDATE course_reviews SET rating = $3, comment = $4, updated_at = now()
            WHERE course_id = $1 AND student_id = $2 RETURNING *`,
          [courseId, studentId, rating, comment],
        );
        return { review, sumDelta: rating - current.rating, countDelta: 0 };
      }
      const review = await this.write(
        manager,
        `INSERT INTO course_reviews (course_id, student_id, rating, comment) VALUES ($1, $2, $3, $4)
         ON CONFLICT (course_id, student_id) DO NOTHING RETURNING *`,
        [courseId, studentId, rating, comment],
      );
      if (review) return { review, sumDelta: rating, countDelta: 1 };
    }
    throw new Error('review upsert did not settle');
  }

  /** Deletes the student's review; the totals move back by its rating. */
  async delete(manager: EntityManager, courseId: string, studentId: string): Promise<RatingDelta> {
    const [rows] = await manager.query<[Array<{ rating: number }>, number]>(
      `DELETE FROM course_reviews WHERE course_id = $1 AND student_id = $2 RETURNING rating`,
      [courseId, studentId],
    );
    const removed = rows[0];
    return removed
      ? { review: null, sumDelta: -removed.rating, countDelta: -1 }
      : { review: null, sumDelta: 0, countDelta: 0 };
  }

  /** A page of a course's reviews, newest first, with author names: two statements. */
  async findPage(
    courseId: string,
    offset: number,
    limit: number,
  ): Promise<[ReviewPageRow[], number]> {
    const [rows, counted] = await Promise.all([
      this.reviews.query<Array<Record<string, unknown>>>(
        `SELECT r.id, r.course_id, r.student_id, r.rating, r.comment, r.created_at, r.updated_at,
                u.full_name AS author_name
           FROM course_reviews r LEFT JOIN users u ON u.id = r.student_id
          WHERE r.course_id = $1
          ORDER BY r.created_at DESC, r.id
          LIMIT $2 OFFSET $3`,
        [courseId, limit, offset],
      ),
      this.reviews.query<Array<{ total: number }>>(
        `SELECT count(*)::int AS total FROM course_reviews WHERE course_id = $1`,
        [courseId],
      ),
    ]);
    return [
      rows.map((row) => ({
        review: reviewOf(row),
        authorName: (row.author_name as string | null) ?? null,
      })),
      counted[0]?.total ?? 0,
    ];
  }

  /** The student's reviews with their course's title, oldest first (personal-data export). */
  async allOf(studentId: string): Promise<Array<{ review: CourseReview; courseTitle: string }>> {
    const rows = await this.reviews.query<Array<Record<string, unknown>>>(
      `SELECT r.id, r.course_id, r.student_id, r.rating, r.comment, r.created_at, r.updated_at,
              c.title AS course_title
         FROM course_reviews r JOIN courses c ON c.id = r.course_id
        WHERE r.student_id = $1
        ORDER BY r.created_at, r.id`,
      [studentId],
    );
    return rows.map((row) => ({ review: reviewOf(row), courseTitle: row.course_title as string }));
  }

  /** Erasure: the comments go, the ratings (and so the course's totals) stay. */
  async clearComments(manager: EntityManager, studentId: string): Promise<void> {
    await manager.query(
      `UPDATE course_reviews SET comment = NULL WHERE student_id = $1 AND comment IS NOT NULL`,
      [studentId],
    );
  }

  private async write(
    manager: EntityManager,
    sql: string,
    params: unknown[],
  ): Promise<CourseReview | null> {
    // The driver answers an INSERT with its rows, an UPDATE with [rows, affected count].
    const result = await manager.query<unknown[]>(sql, params);
    const rows = (Array.isArray(result[0]) ? result[0] : result) as Array<Record<string, unknown>>;
    return rows[0] ? reviewOf(rows[0]) : null;
  }
}

function reviewOf(row: Record<string, unknown>): CourseReview {
  return Object.assign(new CourseReview(), {
    id: row.id as string,
    courseId: row.course_id as string,
    studentId: row.student_id as string,
    rating: Number(row.rating),
    comment: (row.comment as string | null) ?? null,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  });
}
