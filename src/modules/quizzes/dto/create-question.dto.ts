import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { MAX_POSITION } from '../../../common/validation/limits';
import { IsOptionalNotNull } from '../../../common/validation/optional-not-null';
import { trimmed } from '../../../common/validation/transforms';
import { QUESTION_TYPES } from '../entities/question.entity';
import type { CorrectAnswer, QuestionType } from '../entities/question.entity';

export class CreateQuestionDto {
  @ApiProperty({ minLength: 1, maxLength: 5000 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  text: string;

  @ApiProperty({ enum: QUESTION_TYPES })
  @IsIn(QUESTION_TYPES)
  type: QuestionType;

  @ApiPropertyOptional({
    type: [String],
    description: 'multiple_choice and multiple_select: 2-10 distinct strings; none for the others',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @MaxLength(1000, { each: true })
  options?: string[] | null;

  @ApiPropertyOptional({
    description:
      'multiple_choice: one of the options; multiple_select: a non-empty list of options; ' +
      'true_false: a boolean; short_answer: a non-empty list of accepted strings; numeric: a ' +
      'number; essay: none (graded by a person). Required for every type but essay.',
    oneOf: [
      { type: 'string' },
      { type: 'boolean' },
      { type: 'number' },
      { type: 'array', items: { type: 'string' } },
    ],
  })
  // Checked against the type by question-rules.ts (422 with field correctAnswer).
  @IsOptional()
  correctAnswer?: CorrectAnswer;

  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    default: 0,
    nullable: true,
    description: 'numeric only: an answer within correctAnswer ± tolerance is right',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  tolerance?: number | null;

  @ApiPropertyOptional({
    type: String,
    minLength: 1,
    maxLength: 50,
    nullable: true,
    description: 'The pool a quiz `draw` picks this question from',
  })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  pool?: string | null;

  @ApiPropertyOptional({
    type: String,
    maxLength: 5000,
    nullable: true,
    description: 'Shown in results only when the quiz shows correct answers',
  })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  explanation?: string | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 1000, default: 1 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(1000)
  points?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_POSITION, description: 'Defaults to last + 1' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_POSITION)
  position?: number;
}
