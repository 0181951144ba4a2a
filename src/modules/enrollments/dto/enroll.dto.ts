import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class EnrollDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  courseId: string;
}
