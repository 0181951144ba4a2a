import { ApiProperty } from '@nestjs/swagger';
import { CONTENT_TYPES } from '../entities/lesson.entity';
import type { ContentType, Lesson } from '../entities/lesson.entity';

/** The outline entry: everything but the lesson's material (`content` and `videoUrl`). */
export class LessonOutlineResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) moduleId: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ enum: CONTENT_TYPES }) contentType: ContentType;
  @ApiProperty({ type: Number, nullable: true }) durationMinutes: number | null;
  @ApiProperty({ minimum: 1 }) position: number;
  @ApiProperty() isPreview: boolean;
  @ApiProperty({ type: Object }) metadata: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class LessonResponse extends LessonOutlineResponse {
  @ApiProperty({ type: String, nullable: true }) content: string | null;
  @ApiProperty({ type: String, nullable: true }) videoUrl: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ltiToolId: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
  })
  ltiCustom: Record<string, string> | null;
}

export function toLessonOutline(lesson: Lesson): LessonOutlineResponse {
  return {
    id: lesson.id,
    courseId: lesson.courseId,
    moduleId: lesson.moduleId,
    title: lesson.title,
    contentType: lesson.contentType,
    durationMinutes: lesson.durationMinutes,
    position: lesson.position,
    isPreview: lesson.isPreview,
    metadata: lesson.metadata,
    createdAt: lesson.createdAt.toISOString(),
    updatedAt: lesson.updatedAt.toISOString(),
  };
}

export function toLessonResponse(lesson: Lesson): LessonResponse {
  return {
    ...toLessonOutline(lesson),
    content: lesson.content,
    videoUrl: lesson.videoUrl,
    ltiToolId: lesson.ltiToolId,
    ltiCustom: lesson.ltiCustom,
  };
}
