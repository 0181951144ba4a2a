import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

export class InstructorAnalyticsQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Admins: whose courses (default: the caller’s)',
  })
  @IsOptional()
  @IsUUID()
  instructorId?: string;
}
