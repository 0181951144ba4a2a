import { ApiProperty } from '@nestjs/swagger';
import { JOB_STATUSES, JOB_TYPES } from '../entities/job.entity';
import type { Job, JobStatus, JobType } from '../entities/job.entity';

export class JobCreatedResponse {
  @ApiProperty({ format: 'uuid' }) jobId: string;
}

export class JobProgress {
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: 'integer' }) processed: number;
  @ApiProperty({ type: 'integer' }) succeeded: number;
  @ApiProperty({ type: 'integer' }) failed: number;
}

export class JobRowError {
  @ApiProperty({ type: 'integer', description: 'Data row, from 1 (the CSV header is not a row)' })
  row: number;
  @ApiProperty() email: string;
  @ApiProperty() message: string;
}

export class JobResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: JOB_TYPES }) type: JobType;
  @ApiProperty({ enum: JOB_STATUSES }) status: JobStatus;
  @ApiProperty({ type: JobProgress }) progress: JobProgress;
  @ApiProperty({ type: [JobRowError], description: 'The first 1,000 row errors' })
  errors: JobRowError[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt: string | null;
}

export function toJobResponse(job: Job): JobResponse {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    progress: {
      total: job.total,
      processed: job.processed,
      succeeded: job.succeeded,
      failed: job.failed,
    },
    errors: job.errors,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
