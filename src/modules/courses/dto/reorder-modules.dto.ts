import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsUUID } from 'class-validator';

export class ReorderModulesDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  courseId: string;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Every module of the course exactly once, in the new order',
  })
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique({ message: 'moduleIds must not repeat a module' })
  @IsUUID('all', { each: true })
  moduleIds: string[];
}
