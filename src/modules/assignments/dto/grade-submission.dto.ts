import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNumber,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsOptionalNotNull } from '../../../common/validation/optional-not-null';
import { trimmed } from '../../../common/validation/transforms';

export class RubricScoreDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  criterion: string;

  @ApiProperty({ minimum: 0, description: "0..the criterion's points (422 otherwise)" })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  points: number;
}

/** `score` or `rubricScores` (exactly one). */
export class GradeSubmissionDto {
  @ApiPropertyOptional({ minimum: 0, description: '0..maxPoints (422 otherwise)' })
  @IsOptionalNotNull()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  score?: number;

  @ApiPropertyOptional({
    type: [RubricScoreDto],
    description: 'Each criterion of the rubric once; score is then their sum',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => RubricScoreDto)
  rubricScores?: RubricScoreDto[];

  @ApiPropertyOptional({ type: String, maxLength: 20000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  feedback?: string | null;
}
