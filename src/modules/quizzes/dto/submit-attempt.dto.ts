import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsUUID,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

/** Long enough for an essay. */
const MAX_ANSWER_LENGTH = 20_000;

/** What some question type asks for: a string, a boolean, a finite number or a list of strings. */
const isAnswerValue = (value: unknown): boolean =>
  (typeof value === 'string' && value.length <= MAX_ANSWER_LENGTH) ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value)) ||
  (Array.isArray(value) && value.every((item) => typeof item === 'string'));

export class AnswerDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  questionId: string;

  @ApiProperty({
    description:
      'A string (multiple_choice, short_answer, essay), a list of strings (multiple_select), a ' +
      'boolean (true_false) or a number (numeric), as the question type asks',
    oneOf: [
      { type: 'string', maxLength: 20000 },
      { type: 'boolean' },
      { type: 'number' },
      { type: 'array', items: { type: 'string' } },
    ],
  })
  @IsDefined()
  @ValidateBy({
    name: 'isAnswer',
    validator: {
      validate: isAnswerValue,
      defaultMessage: () =>
        '$property must be a string (at most 20000 characters), a boolean, a number or a list of strings',
    },
  })
  answer: unknown;
}

export class SubmitAttemptDto {
  @ApiProperty({ type: [AnswerDto] })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => AnswerDto)
  answers: AnswerDto[];
}
