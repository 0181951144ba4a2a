import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
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

/** Draws this many random questions of one pool into each attempt. */
export class QuizDrawDto {
  @ApiProperty({ minLength: 1, maxLength: 50, description: 'A question pool of this quiz' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  pool: string;

  @ApiProperty({ minimum: 1, maximum: 100 })
  @IsInt()
  @Min(1)
  @Max(100)
  count: number;
}

export class CreateQuizDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;

  @ApiPropertyOptional({ maxLength: 20000 })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  description?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    description: 'A lesson of the same course; passing the quiz completes it',
    nullable: true,
  })
  @IsOptional()
  @IsUUID()
  lessonId?: string | null;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 1440, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1440)
  timeLimitMinutes?: number | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, default: 70 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(100)
  passingScorePercentage?: number;

  @ApiPropertyOptional({ default: false })
  @IsOptionalNotNull()
  @IsBoolean()
  shuffleQuestions?: boolean;

  @ApiPropertyOptional({
    default: false,
    description: 'Options of choice questions in a random order per attempt, fixed for it',
  })
  @IsOptionalNotNull()
  @IsBoolean()
  shuffleOptions?: boolean;

  @ApiPropertyOptional({
    type: [QuizDrawDto],
    nullable: true,
    description:
      'Each attempt draws `count` random questions from each named pool (questions without a ' +
      'pool are then not drawn); null draws every question. Publishing is 422 while a pool has ' +
      'fewer questions than asked.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique((entry: QuizDrawDto) => entry?.pool, { message: 'draw must name each pool once' })
  @ValidateNested({ each: true })
  @Type(() => QuizDrawDto)
  draw?: QuizDrawDto[] | null;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 100, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  maxAttempts?: number | null;

  @ApiPropertyOptional({ default: true })
  @IsOptionalNotNull()
  @IsBoolean()
  showCorrectAnswers?: boolean;
}
