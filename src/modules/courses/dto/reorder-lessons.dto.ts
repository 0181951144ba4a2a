import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsUUID } from 'class-validator';

export class ReorderLessonsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  courseId: string;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Every lesson of the course exactly once, in the new order',
  })
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique({ message: 'lessonIds must not repeat a lesson' })
  @IsUUID('all', { each: true })
  lessonIds: string[];
}
