import { PartialType } from '@nestjs/swagger';
import { CreateCourseDto } from './create-course.dto';

/** Any create field; `isPublished` is changed only through publish/unpublish. */
export class UpdateCourseDto extends PartialType(CreateCourseDto) {}
