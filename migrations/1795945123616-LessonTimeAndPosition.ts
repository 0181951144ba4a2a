import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lesson time and position (issue 21): a `lesson_progress` row now also records where the student
 * is in the lesson and how long they spent on it, so it may exist before the lesson is completed
 * (`completed = false`, `completed_at` null). Existing rows are completed ones: they keep their
 * values and start at 0 seconds. The partial covering index serves the per-lesson average of
 * course analytics with an index-only scan, as ix_lesson_progress_lesson_completed does for counts.
 */
export class LessonTimeAndPosition1795945123616 implements MigrationInterface {
  name = 'LessonTimeAndPosition1795945123616';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "lesson_progress" ALTER COLUMN "completed_at" DROP NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE "lesson_progress" ADD "position_seconds" integer`);
    await queryRunner.query(
      `ALTER TABLE "lesson_progress" ADD "time_spent_seconds" integer NOT NULL DEFAULT 0`,
    );
    await queryRunner.query(
      `ALTER TABLE "lesson_progress" ADD CONSTRAINT "ck_lesson_progress_time" CHECK ("time_spent_seconds" >= 0 AND ("position_seconds" IS NULL OR "position_seconds" >= 0))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_lesson_progress_lesson_time" ON "lesson_progress" ("lesson_id") INCLUDE ("time_spent_seconds") WHERE time_spent_seconds > 0`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_lesson_progress_lesson_time"`);
    await queryRunner.query(`DELETE FROM "lesson_progress" WHERE NOT "completed"`);
    await queryRunner.query(
      `ALTER TABLE "lesson_progress" DROP CONSTRAINT "ck_lesson_progress_time"`,
    );
    await queryRunner.query(`ALTER TABLE "lesson_progress" DROP COLUMN "time_spent_seconds"`);
    await queryRunner.query(`ALTER TABLE "lesson_progress" DROP COLUMN "position_seconds"`);
    await queryRunner.query(
      `ALTER TABLE "lesson_progress" ALTER COLUMN "completed_at" SET NOT NULL`,
    );
  }
}
