import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ImportRow, RowError } from './email-rows';
import { Job, JobType } from './entities/job.entity';

@Injectable()
export class JobsRepository {
  constructor(@InjectRepository(Job) private readonly jobs: Repository<Job>) {}

  async create(
    manager: EntityManager,
    data: { type: JobType; createdById: string; courseId: string; createMissingUsers: boolean },
  ): Promise<string> {
    const result = await manager.getRepository(Job).insert(data);
    return (result.identifiers[0] as { id: string }).id;
  }

  /** One statement per batch of rows (unnest), whatever its size. */
  async addRows(manager: EntityManager, jobId: string, rows: ImportRow[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO job_rows (job_id, row, email, full_name)
       SELECT $1, r, e, n FROM unnest($2::int[], $3::text[], $4::text[]) AS v(r, e, n)`,
      [jobId, rows.map((r) => r.row), rows.map((r) => r.email), rows.map((r) => r.fullName)],
    );
  }

  async setTotal(
    manager: EntityManager,
    jobId: string,
    total: number,
    createMissingUsers: boolean,
  ): Promise<void> {
    await manager.query(`UPDATE jobs SET total = $2, create_missing_users = $3 WHERE id = $1`, [
      jobId,
      total,
      createMissingUsers,
    ]);
  }

  findById(id: string): Promise<Job | null> {
    return this.jobs.findOneBy({ id });
  }

  /** Marks the job running (again, on a retry) unless it already finished; null then. */
  async start(id: string): Promise<Job | null> {
    const [rows] = await this.jobs.query<[Array<{ id: string }>, number]>(
      `UPDATE jobs SET status = 'running', started_at = coalesce(started_at, now()),
              finished_at = NULL
        WHERE id = $1 AND status <> 'succeeded' RETURNING id`,
      [id],
    );
    return rows.length > 0 ? this.findById(id) : null;
  }

  /** The next rows after `after` (rows are numbered 1..total). */
  async rowsAfter(jobId: string, after: number, limit: number): Promise<ImportRow[]> {
    return this.jobs.query<ImportRow[]>(
      `SELECT row, email, full_name AS "fullName" FROM job_rows
        WHERE job_id = $1 AND row > $2 ORDER BY row LIMIT $3`,
      [jobId, after, limit],
    );
  }

  /**
   * Takes the batch of rows `after`+1..`lastRow`, first in the batch's transaction: the job row
   * stays locked until it commits, and a second runner of the same job (a stalled job handed out
   * again) finds `processed` moved on and gets false. A retry resumes after the last commit.
   */
  async claimBatch(
    manager: EntityManager,
    jobId: string,
    after: number,
    lastRow: number,
  ): Promise<boolean> {
    const [rows] = await manager.query<[unknown[], number]>(
      `UPDATE jobs SET processed = $3 WHERE id = $1 AND processed = $2 RETURNING id`,
      [jobId, after, lastRow],
    );
    return rows.length > 0;
  }

  /** The counts of a claimed batch, in its transaction. */
  async recordBatch(
    manager: EntityManager,
    jobId: string,
    succeeded: number,
    errors: RowError[],
    keptErrors: RowError[],
  ): Promise<void> {
    await manager.query(
      `UPDATE jobs SET succeeded = succeeded + $2, failed = failed + $3,
              errors = errors || $4::jsonb
        WHERE id = $1`,
      [jobId, succeeded, errors.length, JSON.stringify(keptErrors)],
    );
  }

  /** The job's current error count (errors kept are capped by it). */
  async failedCount(manager: EntityManager, jobId: string): Promise<number> {
    const [row] = await manager.query<Array<{ failed: number }>>(
      `SELECT failed FROM jobs WHERE id = $1`,
      [jobId],
    );
    return row?.failed ?? 0;
  }

  /**
   * Erasure: the user's current email, wherever an import holds it (rows not yet run, and row
   * errors of jobs), becomes `erased-<id>@invalid`, the email of the erased account. Runs before
   * the account itself is anonymised (its email is read in this transaction).
   */
  async scrubEmailOf(manager: EntityManager, userId: string): Promise<void> {
    const [user] = await manager.query<Array<{ email: string }>>(
      `SELECT email FROM users WHERE id = $1`,
      [userId],
    );
    if (!user) return;
    const erased = `erased-${userId}@invalid`;
    await manager.query(`UPDATE job_rows SET email = $2 WHERE email = $1`, [user.email, erased]);
    await manager.query(
      `UPDATE jobs SET errors = (
         SELECT jsonb_agg(CASE WHEN e->>'email' = $1 THEN jsonb_set(e, '{email}', to_jsonb($2::text))
                               ELSE e END ORDER BY i)
           FROM jsonb_array_elements(errors) WITH ORDINALITY AS x(e, i))
        WHERE errors @> jsonb_build_array(jsonb_build_object('email', $1::text))`,
      [user.email, erased],
    );
  }

  /** Ends the job; its rows go once it succeeded (a failed job keeps them for a retry). */
  async finish(id: string, status: 'succeeded' | 'failed'): Promise<void> {
    await this.jobs.query(`UPDATE jobs SET status = $2, finished_at = now() WHERE id = $1`, [
      id,
      status,
    ]);
    if (status === 'succeeded') {
      await this.jobs.query(`DELETE FROM job_rows WHERE job_id = $1`, [id]);
    }
  }
}
