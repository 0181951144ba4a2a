import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Enrollment lifecycle (issue 21): an enrollment may be `dropped` (progress kept; enrolling again
 * reactivates it). Only the status check changes; existing rows are untouched.
 */
export class EnrollmentLifecycle1795944675376 implements MigrationInterface {
  name = 'EnrollmentLifecycle1795944675376';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "enrollments" DROP CONSTRAINT "ck_enrollments_status"`);
    await queryRunner.query(
      `ALTER TABLE "enrollments" ADD CONSTRAINT "ck_enrollments_status" CHECK ("status" IN ('active', 'completed', 'dropped'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "enrollments" SET "status" = CASE WHEN "completed_at" IS NULL THEN 'active' ELSE 'completed' END WHERE "status" = 'dropped'`,
    );
    await queryRunner.query(`ALTER TABLE "enrollments" DROP CONSTRAINT "ck_enrollments_status"`);
    await queryRunner.query(
      `ALTER TABLE "enrollments" ADD CONSTRAINT "ck_enrollments_status" CHECK ("status" IN ('active', 'completed'))`,
    );
  }
}
