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

/** What some question type asks for: a string, a boolean or a list of strings. */
const isAnswerValue = (value: unknown): boolean =>
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (Array.isArray(value) && value.every((item) => typeof item === 'string'));

export class AnswerDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  questionId: string;

  @ApiProperty({
    description: 'A string, a list of strings or a boolean, as the question type asks',
    oneOf: [{ type: 'string' }, { type: 'boolean' }, { type: 'array', items: { type: 'string' } }],
  })
  @IsDefined()
  @ValidateBy({
    name: 'isAnswer',
    validator: {
      validate: isAnswerValue,
      defaultMessage: () => '$property must be a string, a boolean or a list of strings',
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
