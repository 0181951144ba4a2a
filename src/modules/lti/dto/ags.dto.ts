import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDateString,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

export const ACTIVITY_PROGRESS = [
  'Initialized',
  'Started',
  'InProgress',
  'Submitted',
  'Completed',
] as const;
export const GRADING_PROGRESS = [
  'FullyGraded',
  'Pending',
  'PendingManual',
  'Failed',
  'NotReady',
] as const;

/** AGS line item (application/vnd.ims.lis.v2.lineitem+json). */
export class LineItemResponse {
  @ApiProperty({ description: 'The line item URL' }) id: string;
  @ApiProperty() scoreMaximum: number;
  @ApiProperty() label: string;
  @ApiPropertyOptional({ description: 'The lesson id (resource link) it is tied to' })
  resourceLinkId?: string;
  @ApiPropertyOptional() resourceId?: string;
  @ApiPropertyOptional() tag?: string;
}

export class CreateLineItemDto {
  @ApiProperty({ minimum: 0.01, maximum: 100000 })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0.01)
  @Max(100_000)
  scoreMaximum: number;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  label: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'An lti lesson of this course that launches this tool',
  })
  @IsOptional()
  @IsUUID()
  resourceLinkId?: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  resourceId?: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  tag?: string;
}

export class LineItemsQuery {
  @ApiPropertyOptional({ format: 'uuid', name: 'resource_link_id' })
  @IsOptional()
  @IsUUID()
  resource_link_id?: string;

  @ApiPropertyOptional({ name: 'resource_id', maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  resource_id?: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  tag?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 10000, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  page?: number;
}

/** AGS score (application/vnd.ims.lis.v1.score+json). */
export class ScoreDto {
  @ApiProperty({ format: 'uuid', description: 'The student (the `sub` of their launch)' })
  @IsUUID()
  userId: string;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1_000_000)
  scoreGiven?: number;

  @ApiPropertyOptional({ description: 'Required with scoreGiven', minimum: 0.0001 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.0001)
  @Max(1_000_000)
  scoreMaximum?: number;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  comment?: string;

  @ApiProperty({ enum: ACTIVITY_PROGRESS })
  @IsIn(ACTIVITY_PROGRESS)
  activityProgress: (typeof ACTIVITY_PROGRESS)[number];

  @ApiProperty({ enum: GRADING_PROGRESS })
  @IsIn(GRADING_PROGRESS)
  gradingProgress: (typeof GRADING_PROGRESS)[number];

  @ApiProperty({ format: 'date-time', description: 'When the score was set; the latest wins' })
  @IsDateString({ strict: true })
  timestamp: string;
}
