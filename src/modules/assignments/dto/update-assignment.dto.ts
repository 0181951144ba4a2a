import { PartialType } from '@nestjs/swagger';
import { CreateAssignmentDto } from './create-assignment.dto';

/** `null` clears only the nullable fields: for the others it is a validation error. */
export class UpdateAssignmentDto extends PartialType(CreateAssignmentDto, {
  skipNullProperties: false,
}) {}
