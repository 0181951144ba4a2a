import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Background jobs started over HTTP (issue 21: bulk enrollment), with their progress:
 * - `jobs` is what `GET /jobs/:id` shows; `errors` keeps the first 1,000 row errors;
 * - `job_rows` holds the uploaded rows until the job has run (the queue payload is the job id
 *   only); they are deleted when it finishes.
 * New tables only.
 */
export class BulkEnrollmentJobs1795946155149 implements MigrationInterface {
  name = 'BulkEnrollmentJobs1795946155149';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "jobs" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "type" character varying(50) NOT NULL,
        "status" character varying(20) NOT NULL DEFAULT 'queued',
        "created_by_id" uuid NOT NULL,
        "course_id" uuid,
        "create_missing_users" boolean NOT NULL DEFAULT false,
        "total" integer NOT NULL DEFAULT 0,
        "processed" integer NOT NULL DEFAULT 0,
        "succeeded" integer NOT NULL DEFAULT 0,
        "failed" integer NOT NULL DEFAULT 0,
        "errors" jsonb NOT NULL DEFAULT '[]',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "started_at" TIMESTAMP WITH TIME ZONE,
        "finished_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_jobs" PRIMARY KEY ("id"),
        CONSTRAINT "ck_jobs_status" CHECK ("status" IN ('queued', 'running', 'succeeded', 'failed')),
        CONSTRAINT "fk_jobs_created_by" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_jobs_course" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "ix_jobs_created_by" ON "jobs" ("created_by_id")`);
    await queryRunner.query(`CREATE INDEX "ix_jobs_course" ON "jobs" ("course_id")`);
    await queryRunner.query(`
      CREATE TABLE "job_rows" (
        "job_id" uuid NOT NULL,
        "row" integer NOT NULL,
        "email" character varying(320) NOT NULL,
        "full_name" character varying(200),
        CONSTRAINT "pk_job_rows" PRIMARY KEY ("job_id", "row"),
        CONSTRAINT "fk_job_rows_job" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "job_rows"`);
    await queryRunner.query(`DROP TABLE "jobs"`);
  }
}
