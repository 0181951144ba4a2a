import { PartialType } from '@nestjs/swagger';
import { CreateCourseDto } from './create-course.dto';

/**
 * Any create field; `isPublished` is changed only through publish/unpublish. `null` clears only
 * the nullable fields: for the others (title, slug, metadata) it is a validation error.
 */
export class UpdateCourseDto extends PartialType(CreateCourseDto, { skipNullProperties: false }) {}
