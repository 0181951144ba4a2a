import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
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

  @ApiProperty({
    description:
      'multiple_choice: one of the options; multiple_select: a non-empty list of options; ' +
      'true_false: a boolean; short_answer: a non-empty list of accepted strings',
    oneOf: [{ type: 'string' }, { type: 'boolean' }, { type: 'array', items: { type: 'string' } }],
  })
  @IsDefined()
  correctAnswer: CorrectAnswer;

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
