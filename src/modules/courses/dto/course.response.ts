import { ApiProperty } from '@nestjs/swagger';
import { Instant, isoOf } from '../../../database/sql-timestamps';
import { DIFFICULTY_LEVELS } from '../entities/course.entity';
import type { Course, DifficultyLevel } from '../entities/course.entity';

export class InstructorSummary {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() fullName: string;
}

export class CourseResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty() slug: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: String, nullable: true }) category: string | null;
  // null is listed among the values: with `nullable` alone, an OpenAPI 3.0 enum still refuses it.
  @ApiProperty({ type: String, enum: [...DIFFICULTY_LEVELS, null], nullable: true })
  difficultyLevel: DifficultyLevel | null;
  @ApiProperty() isPublished: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) publishedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) thumbnailUrl: string | null;
  @ApiProperty({ type: Number, nullable: true }) estimatedDurationMinutes: number | null;
  @ApiProperty({ type: Object }) metadata: Record<string, unknown>;
  @ApiProperty({ type: InstructorSummary }) instructor: InstructorSummary;
  @ApiProperty({ minimum: 0 }) lessonCount: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: 5,
    example: 4.25,
    description: 'Average review rating, 2 decimals; null without reviews',
  })
  ratingAverage: number | null;
  @ApiProperty({ type: 'integer', minimum: 0 }) ratingCount: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/**
 * What a course response is made of: a Course entity, or a catalogue page row whose timestamps
 * PostgreSQL already wrote as ISO 8601 text (courses.repository.ts).
 */
export type CourseFacts = Pick<
  Course,
  | 'id'
  | 'title'
  | 'slug'
  | 'description'
  | 'category'
  | 'difficultyLevel'
  | 'isPublished'
  | 'thumbnailUrl'
  | 'estimatedDurationMinutes'
  | 'metadata'
  | 'instructorId'
  | 'ratingSum'
  | 'ratingCount'
> & {
  publishedAt: Instant | null;
  createdAt: Instant;
  updatedAt: Instant;
};

export function toCourseResponse(
  course: CourseFacts,
  instructor: InstructorSummary,
  lessonCount: number,
): CourseResponse {
  return {
    id: course.id,
    title: course.title,
    slug: course.slug,
    description: course.description,
    category: course.category,
    difficultyLevel: course.difficultyLevel,
    isPublished: course.isPublished,
    publishedAt: course.publishedAt ? isoOf(course.publishedAt) : null,
    thumbnailUrl: course.thumbnailUrl,
    estimatedDurationMinutes: course.estimatedDurationMinutes,
    metadata: course.metadata,
    instructor,
    lessonCount,
    ratingAverage:
      course.ratingCount > 0
        ? Math.round((course.ratingSum / course.ratingCount) * 100) / 100
        : null,
    ratingCount: course.ratingCount,
    createdAt: isoOf(course.createdAt),
    updatedAt: isoOf(course.updatedAt),
  };
}
