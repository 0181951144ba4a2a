import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IsHttpUrl } from '../../../common/validation/is-http-url';
import { MaxJsonSize } from '../../../common/validation/max-json-size';
import { trimmed } from '../../../common/validation/transforms';
import { DIFFICULTY_LEVELS } from '../entities/course.entity';
import type { DifficultyLevel } from '../entities/course.entity';
import { IsOptionalNotNull } from '../../../common/validation/optional-not-null';

export class CreateCourseDto {
  @ApiProperty({ example: 'Intro to TypeScript', minLength: 1, maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;

  @ApiPropertyOptional({
    example: 'intro-to-typescript',
    description:
      'Generated from the title when absent (made unique with -2, -3...); 409 when a given slug is taken',
    pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(100)
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, {
    message: 'slug must be lower-case letters and digits separated by single hyphens',
  })
  slug?: string;

  @ApiPropertyOptional({ maxLength: 20000 })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  description?: string;

  @ApiPropertyOptional({ example: 'programming', maxLength: 100 })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({ enum: DIFFICULTY_LEVELS })
  @IsOptional()
  @IsIn(DIFFICULTY_LEVELS)
  difficultyLevel?: DifficultyLevel;

  @ApiPropertyOptional({ example: 'https://cdn.example.com/ts.png' })
  @IsOptional()
  @IsHttpUrl()
  @MaxLength(2048)
  thumbnailUrl?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  estimatedDurationMinutes?: number;

  @ApiPropertyOptional({ type: Object, description: 'Free-form JSON object (max 16 KB)' })
  @IsOptionalNotNull()
  @IsObject()
  @MaxJsonSize(16_384)
  metadata?: Record<string, unknown>;
}
