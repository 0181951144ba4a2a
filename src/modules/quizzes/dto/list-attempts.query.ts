import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { GRADING_STATUSES } from '../entities/quiz-attempt.entity';
import type { GradingStatus } from '../entities/quiz-attempt.entity';

export class ListAttemptsQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Course owner and admins: one student’s attempts',
  })
  @IsOptional()
  @IsUUID()
  studentId?: string;

  @ApiPropertyOptional({
    enum: GRADING_STATUSES,
    description: '`pending`: submitted attempts waiting for a person to grade their essays',
  })
  @IsOptional()
  @IsIn(GRADING_STATUSES)
  gradingStatus?: GradingStatus;
}
