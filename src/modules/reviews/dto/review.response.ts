import { ApiProperty } from '@nestjs/swagger';
import type { CourseReview } from '../entities/course-review.entity';

export class ReviewAuthor {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() fullName: string;
}

export class ReviewResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) rating: number;
  @ApiProperty({ type: String, nullable: true }) comment: string | null;
  @ApiProperty({ type: ReviewAuthor }) author: ReviewAuthor;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export function toReviewResponse(review: CourseReview, author: ReviewAuthor): ReviewResponse {
  return {
    id: review.id,
    rating: review.rating,
    comment: review.comment,
    author,
    createdAt: review.createdAt.toISOString(),
    updatedAt: review.updatedAt.toISOString(),
  };
}
