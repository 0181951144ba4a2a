import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PaginationQueryDto } from '../../../common/dto/pagination-query.dto';
import { ENROLLMENT_STATUSES } from '../entities/enrollment.entity';
import type { EnrollmentStatus } from '../entities/enrollment.entity';

/** Newest enrollments first. */
export class ListEnrollmentsQuery extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: ENROLLMENT_STATUSES })
  @IsOptional()
  @IsIn(ENROLLMENT_STATUSES)
  status?: EnrollmentStatus;
}
