import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PaginationQueryDto } from '../../../common/dto/pagination-query.dto';
import { SUBMISSION_STATUSES } from '../entities/submission.entity';
import type { SubmissionStatus } from '../entities/submission.entity';

export class ListSubmissionsQuery extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: SUBMISSION_STATUSES })
  @IsOptional()
  @IsIn(SUBMISSION_STATUSES)
  status?: SubmissionStatus;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Course owner and admins: one student’s latest submission',
  })
  @IsOptional()
  @IsUUID()
  studentId?: string;
}
