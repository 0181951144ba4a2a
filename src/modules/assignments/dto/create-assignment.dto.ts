import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsOptionalNotNull } from '../../../common/validation/optional-not-null';
import { trimmed } from '../../../common/validation/transforms';
import { SUBMISSION_TYPES } from '../entities/assignment.entity';
import type { SubmissionType } from '../entities/assignment.entity';

export class RubricCriterionDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  criterion: string;

  @ApiProperty({ minimum: 1, maximum: 1000 })
  @IsInt()
  @Min(1)
  @Max(1000)
  points: number;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;
}

export class CreateAssignmentDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;

  @ApiPropertyOptional({ type: String, maxLength: 20000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  instructions?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'A lesson of the same course; a passing grade completes it',
  })
  @IsOptional()
  @IsUUID()
  lessonId?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @IsDateString({ strict: true })
  dueAt?: string | null;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxPoints?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, default: 60 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(100)
  passingScorePercentage?: number;

  @ApiProperty({ enum: SUBMISSION_TYPES, isArray: true, minItems: 1, maxItems: 2 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @ArrayUnique()
  @IsIn(SUBMISSION_TYPES, { each: true })
  submissionTypes: SubmissionType[];

  @ApiPropertyOptional({ default: true })
  @IsOptionalNotNull()
  @IsBoolean()
  allowLateSubmissions?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, default: 0 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(100)
  latePenaltyPercent?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptionalNotNull()
  @IsBoolean()
  allowResubmission?: boolean;

  @ApiPropertyOptional({
    type: [RubricCriterionDto],
    nullable: true,
    description: '1-20 criteria, each named once, whose points add up to maxPoints (422 otherwise)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique((entry: RubricCriterionDto) => entry?.criterion, {
    message: 'rubric must name each criterion once',
  })
  @ValidateNested({ each: true })
  @Type(() => RubricCriterionDto)
  rubric?: RubricCriterionDto[] | null;
}
