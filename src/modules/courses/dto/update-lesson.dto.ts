import { PartialType } from '@nestjs/swagger';
import { CreateLessonDto } from './create-lesson.dto';

/** `null` clears only the nullable fields: for the others it is a validation error. */
export class UpdateLessonDto extends PartialType(CreateLessonDto, { skipNullProperties: false }) {}
