import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IsHttpUrl } from '../../../common/validation/is-http-url';
import { IsStringRecord } from '../../../common/validation/string-record';
import { MaxJsonSize } from '../../../common/validation/max-json-size';
import { trimmed } from '../../../common/validation/transforms';
import { CONTENT_TYPES } from '../entities/lesson.entity';
import type { ContentType } from '../entities/lesson.entity';
import { MAX_POSITION } from '../../../common/validation/limits';
import { IsOptionalNotNull } from '../../../common/validation/optional-not-null';

export class CreateLessonDto {
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'A module of the same course (422 otherwise); null for none',
  })
  @IsOptional()
  @IsUUID()
  moduleId?: string | null;

  @ApiProperty({ example: 'Types and values', minLength: 1, maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;

  @ApiPropertyOptional({ maxLength: 200000 })
  @IsOptional()
  @IsString()
  @MaxLength(200_000)
  content?: string;

  @ApiProperty({ enum: CONTENT_TYPES })
  @IsIn(CONTENT_TYPES)
  contentType: ContentType;

  @ApiPropertyOptional({ description: 'http(s) URL; only on video lessons (422 otherwise)' })
  @IsOptional()
  @IsHttpUrl()
  @MaxLength(2048)
  videoUrl?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 10000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  durationMinutes?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_POSITION,
    description: '1-based; defaults to last + 1. Lessons at or after it move down one place.',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_POSITION)
  position?: number;

  @ApiPropertyOptional({ default: false })
  @IsOptionalNotNull()
  @IsBoolean()
  isPreview?: boolean;

  @ApiPropertyOptional({ type: Object, description: 'Free-form JSON object (max 16 KB)' })
  @IsOptionalNotNull()
  @IsObject()
  @MaxJsonSize(16_384)
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description:
      'The registered LTI tool this lesson launches: required on lti lessons, only there',
  })
  @IsOptional()
  @IsUUID()
  ltiToolId?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    description:
      'LTI custom parameters (up to 50, string values): sent as the `custom` claim; ' +
      '`passingScorePercentage` (0-100) sets the score that completes the lesson (default 60)',
  })
  @IsOptional()
  @IsStringRecord({ maxKeys: 50, maxKeyLength: 100, maxValueLength: 1000 })
  ltiCustom?: Record<string, string> | null;
}
