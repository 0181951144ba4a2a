import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../../common/dto/pagination-query.dto';
import { queryBoolean } from '../../../common/validation/transforms';
import { SortBy } from '../../../common/dto/sort';
import { DIFFICULTY_LEVELS } from '../entities/course.entity';
import type { DifficultyLevel } from '../entities/course.entity';

export const COURSE_SORT_FIELDS = ['createdAt', 'title'] as const;

export class ListCoursesQuery extends PaginationQueryDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({ enum: DIFFICULTY_LEVELS })
  @IsOptional()
  @IsIn(DIFFICULTY_LEVELS)
  difficultyLevel?: DifficultyLevel;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  instructorId?: string;

  @ApiPropertyOptional({ description: 'Words searched (as prefixes) in title and description' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'true: only the caller’s own courses, drafts included (authentication required)',
  })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  mine?: boolean;

  @SortBy(COURSE_SORT_FIELDS, '-createdAt')
  sort: string = '-createdAt';
}
