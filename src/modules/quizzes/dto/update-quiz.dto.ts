import { PartialType } from '@nestjs/swagger';
import { CreateQuizDto } from './create-quiz.dto';

/** `null` clears only the nullable fields: for the others it is a validation error. */
export class UpdateQuizDto extends PartialType(CreateQuizDto, { skipNullProperties: false }) {}
