import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

export class ListAttemptsQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Course owner and admins: one student’s attempts',
  })
  @IsOptional()
  @IsUUID()
  studentId?: string;
}
