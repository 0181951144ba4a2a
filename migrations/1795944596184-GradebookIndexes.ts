import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the gradebook (issue 18), chosen from EXPLAIN (ANALYZE) on the scale seed's
 * gradebook course (10,000 students x 20 quizzes x 3 attempts, 10 assignments; see
 * bench/RESULTS.md):
 * - `ix_quiz_attempts_student_quiz` (student_id, quiz_id) INCLUDE (score, status,
 *   grading_status): the per-page aggregate of best quiz scores (and my-grades) becomes an
 *   index-only scan of the page's students instead of a bitmap scan over (quiz, student) pairs
 *   plus heap visits; student analytics, which filter attempts by student, use it too;
 * - `ix_users_name_id` (full_name, id): the gradebook orders students by (fullName, id); the
 *   first pages and the CSV's keyset batches walk this index and probe the enrollment index
 *   instead of sorting the whole roster.
 * - \`ix_submissions_assignment_latest\` (assignment_id, student_id, version DESC) INCLUDE
 *   (status, final_score, late): course analytics read each student's latest submission per
 *   assignment (DISTINCT ON) from it, index-only and already ordered (193 -> 25 ms p50 for
 *   100,000 submissions).
 * The gradebook's submissions aggregate (one page of students) uses ix_submissions_student.
 * Plain CREATE INDEX: it blocks
 * writes to these tables while it builds (seconds at this size); build them CONCURRENTLY by
 * hand before deploying on a large live database.
 */
export class GradebookIndexes1795944596184 implements MigrationInterface {
  name = 'GradebookIndexes1795944596184';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "ix_quiz_attempts_student_quiz" ON "quiz_attempts" ("student_id", "quiz_id")
         INCLUDE ("score", "status", "grading_status")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_users_name_id" ON "users" ("full_name", "id")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_users_name_id"`);
    await queryRunner.query(`DROP INDEX "ix_quiz_attempts_student_quiz"`);
  }
}
