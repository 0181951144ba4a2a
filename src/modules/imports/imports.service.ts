import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { IncomingMessage } from 'node:http';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { OutboxService } from '../../infra/outbox/outbox.service';
import { JOBS, QUEUES } from '../../infra/queue/queue.constants';
import { AccessService } from '../access/access.service';
import { CoursesService } from '../courses/courses.service';
import { readCsvUpload } from './csv-rows';
import { BulkEnrollmentDto } from './dto/bulk-enrollment.dto';
import { JobResponse, toJobResponse } from './dto/job.response';
import { BULK_BATCH_SIZE, ImportRow, normalizeEmail } from './email-rows';
import { JobsRepository } from './jobs.repository';

/**
 * Starts bulk enrollment jobs: the rows go to `job_rows` and the queue gets the job id only, in
 * the transaction that creates the job (all rows stored, or no job).
 */
@Injectable()
export class ImportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsRepository,
    private readonly courses: CoursesService,
    private readonly outbox: OutboxService,
    private readonly access: AccessService,
  ) {}

  async startFromEmails(
    courseId: string,
    caller: AuthenticatedUser,
    body: BulkEnrollmentDto,
  ): Promise<string> {
    await this.courses.findManageable(courseId, caller);
    const rows: ImportRow[] = body.emails.map((email, i) => ({
      row: i + 1,
      email: normalizeEmail(email),
      fullName: null,
    }));
    return this.dataSource.transaction(async (manager) => {
      const jobId = await this.createJob(manager, courseId, caller, !!body.createMissingUsers);
      for (let i = 0; i < rows.length; i += BULK_BATCH_SIZE) {
        await this.jobs.addRows(manager, jobId, rows.slice(i, i + BULK_BATCH_SIZE));
      }
      await this.queue(manager, jobId, rows.length, !!body.createMissingUsers);
      return jobId;
    });
  }

  /** The CSV is streamed into the job's rows batch by batch, inside the job's transaction. */
  async startFromCsv(
    courseId: string,
    caller: AuthenticatedUser,
    req: IncomingMessage,
  ): Promise<string> {
    await this.courses.findManageable(courseId, caller);
    return this.dataSource.transaction(async (manager) => {
      const jobId = await this.createJob(manager, courseId, caller, false);
      const upload = await readCsvUpload(req, BULK_BATCH_SIZE, (rows) =>
        this.jobs.addRows(manager, jobId, rows),
      );
      await this.queue(manager, jobId, upload.total, upload.createMissingUsers ?? false);
      return jobId;
    });
  }

  async get(id: string, caller: AuthenticatedUser): Promise<JobResponse> {
    const job = await this.jobs.findById(id);
    this.access.assert(caller, 'job.read', { job });
    return toJobResponse(job!);
  }

  private createJob(
    manager: EntityManager,
    courseId: string,
    caller: AuthenticatedUser,
    createMissingUsers: boolean,
  ): Promise<string> {
    return this.jobs.create(manager, {
      type: 'bulk_enrollment',
      createdById: caller.id,
      courseId,
      createMissingUsers,
    });
  }

  private async queue(
    manager: EntityManager,
    jobId: string,
    total: number,
    createMissingUsers: boolean,
  ): Promise<void> {
    await this.jobs.setTotal(manager, jobId, total, createMissingUsers);
    await this.outbox.add(manager, {
      queue: QUEUES.IMPORTS,
      name: JOBS.RUN_BULK_ENROLLMENT,
      payload: { jobId },
    });
  }
}
