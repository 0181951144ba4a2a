import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the course analytics (AnalyticsRepository.courseTotals, courseLessons,
 * courseQuizzes), so that each figure of a big course (100k enrollments, 1M lesson_progress rows)
 * is an index-only scan over that course's entries instead of a read of the whole table. Measured
 * in bench/RESULTS.md.
 *
 * Plain CREATE INDEX (not CONCURRENTLY): migrations also run at start-up in one transaction,
 * where CONCURRENTLY is refused. Each build takes about a second per million rows.
 */
export class AnalyticsIndexes1764000000700 implements MigrationInterface {
  name = 'AnalyticsIndexes1764000000700';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Replaces ix_enrollments_course_status (same key, so the roster's filters still use it) and
    // carries what courseTotals aggregates.
    await queryRunner.query(
      `CREATE INDEX "ix_enrollments_course_stats" ON "enrollments" ("course_id", "status")
         INCLUDE ("progress_percentage", "enrolled_at", "completed_at")`,
    );
    await queryRunner.query(`DROP INDEX "ix_enrollments_course_status"`);
    // Partial and key-only, so B-tree deduplication keeps it small (one posting list per lesson);
    // ix_lesson_progress_lesson stays for the lesson foreign key.
    await queryRunner.query(
      `CREATE INDEX "ix_lesson_progress_lesson_completed" ON "lesson_progress" ("lesson_id")
         WHERE completed`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_quiz_attempts_quiz_status" ON "quiz_attempts" ("quiz_id", "status")
         INCLUDE ("percentage", "passed")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_quiz_attempts_quiz_status"`);
    await queryRunner.query(`DROP INDEX "ix_lesson_progress_lesson_completed"`);
    await queryRunner.query(
      `CREATE INDEX "ix_enrollments_course_status" ON "enrollments" ("course_id", "status")`,
    );
    await queryRunner.query(`DROP INDEX "ix_enrollments_course_stats"`);
  }
}
