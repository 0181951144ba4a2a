import { PartialType } from '@nestjs/swagger';
import { CreateQuestionDto } from './create-question.dto';

/** `null` clears only `options`: for the other fields it is a validation error. */
export class UpdateQuestionDto extends PartialType(CreateQuestionDto, {
  skipNullProperties: false,
}) {}
