import { PartialType } from '@nestjs/swagger';
import { CreateModuleDto } from './create-module.dto';

/** `null` clears only the nullable fields: for the others it is a validation error. */
export class UpdateModuleDto extends PartialType(CreateModuleDto, { skipNullProperties: false }) {}
