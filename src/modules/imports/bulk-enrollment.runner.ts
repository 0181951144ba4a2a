import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Role } from '../../common/auth/roles';
import { AccessService } from '../access/access.service';
import { JobHandler } from '../../infra/queue/job-handler.decorator';
import { JOBS, QUEUES } from '../../infra/queue/queue.constants';
import { AuthService } from '../auth/auth.service';
import { CoursesService } from '../courses/courses.service';
import type { EnrollmentContext } from '../enrollments/dto/enrollment.response';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { UsersService } from '../users/users.service';
import {
  BULK_BATCH_SIZE,
  emailProblem,
  fullNameFor,
  ImportRow,
  MAX_JOB_ERRORS,
  RowError,
} from './email-rows';
import { Job } from './entities/job.entity';
import { JobsRepository } from './jobs.repository';

interface CourseSummary {
  id: string;
  title: string;
  slug: string;
}

/**
 * Runs a bulk enrollment job on the `imports` queue, 1,000 rows per transaction: a few set-based
 * statements per batch (accounts, new students, enrollments with their outbox events, progress),
 * whatever the batch holds. Progress is written in the batch's transaction, so a retry of the job
 * resumes after the last committed batch. Row problems (invalid, unknown, not a student) are row
 * errors; only an unexpected failure fails the job (and the queue retries it).
 */
@Injectable()
export class BulkEnrollmentRunner {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsRepository,
    private readonly courses: CoursesService,
    private readonly enrollments: EnrollmentsService,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly access: AccessService,
  ) {}

  @JobHandler(QUEUES.IMPORTS, JOBS.RUN_BULK_ENROLLMENT)
  async run({ jobId }: { jobId: string }): Promise<void> {
    const job = await this.jobs.start(jobId);
    if (!job || !job.courseId) return;
    try {
      const course = (await this.courses.summaries([job.courseId])).get(job.courseId);
      // The course was deleted: its jobs went with it (cascade).
      if (!course) return;
      const context = await this.enrollments.contextOf(course.id);
      // The actor of the `user.created` events of new students: who started the job (null if
      // their account is gone since).
      const starter = job.createMissingUsers ? await this.users.authState(job.createdById) : null;
      const actor = starter ? { id: job.createdById, role: starter.role } : null;
      let after = job.processed;
      for (;;) {
        const rows = await this.jobs.rowsAfter(jobId, after, BULK_BATCH_SIZE);
        if (rows.length === 0) break;
        // Another runner of this job took the batch: it carries the job to its end.
        if (!(await this.runBatch(job, course, context, actor, after, rows))) return;
        after = rows[rows.length - 1].row;
      }
      await this.jobs.finish(jobId, 'succeeded');
    } catch (error) {
      await this.jobs.finish(jobId, 'failed');
      throw error;
    }
  }

  /** One transaction for up to 1,000 rows; false when another runner took them. */
  private async runBatch(
    job: Job,
    course: CourseSummary,
    context: EnrollmentContext,
    actor: { id: string; role: Role } | null,
    after: number,
    rows: ImportRow[],
  ): Promise<boolean> {
    const errors: RowError[] = [];
    const valid: ImportRow[] = [];
    for (const row of rows) {
      const problem = emailProblem(row.email);
      if (problem) errors.push({ row: row.row, email: row.email, message: problem });
      else valid.push(row);
    }
    const emails = [...new Set(valid.map((row) => row.email))];

    return this.dataSource.transaction(async (manager) => {
      if (!(await this.jobs.claimBatch(manager, job.id, after, rows[rows.length - 1].row))) {
        return false;
      }
      let accounts = await this.users.findAccountsByEmails(emails, manager);
      if (job.createMissingUsers) {
        const known = new Set(accounts.map((account) => account.email));
        const missing = new Map<string, string>();
        for (const row of valid) {
          if (!known.has(row.email) && !missing.has(row.email)) {
            missing.set(row.email, fullNameFor(row));
          }
        }
        const created = await this.users.createStudents(
          [...missing].map(([email, fullName]) => ({ email, fullName })),
          manager,
        );
        await this.users.auditCreatedStudents(manager, created, actor);
        await this.auth.queueSetPasswordMails(
          manager,
          created.map((user) => user.id),
        );
        if (missing.size > 0) accounts = await this.users.findAccountsByEmails(emails, manager);
      }
      const byEmail = new Map(accounts.map((account) => [account.email, account]));
      const students = new Map<string, { email: string; fullName: string }>();
      for (const row of valid) {
        const account = byEmail.get(row.email);
        const message = !account
          ? 'No account with this email'
          : !this.access.can(account, 'enrollment.hold', {})
            ? 'Not a student account'
            : !account.active
              ? 'The account is deactivated'
              : null;
        if (message) errors.push({ row: row.row, email: row.email, message });
        else students.set(account!.id, { email: account!.email, fullName: account!.fullName });
      }
      if (students.size > 0) {
        await this.enrollments.enrollMany(manager, course, context, students);
      }
      errors.sort((a, b) => a.row - b.row);
      const room = Math.max(0, MAX_JOB_ERRORS - (await this.jobs.failedCount(manager, job.id)));
      await this.jobs.recordBatch(
        manager,
        job.id,
        rows.length - errors.length,
        errors,
        errors.slice(0, room),
      );
      return true;
    });
  }
}
