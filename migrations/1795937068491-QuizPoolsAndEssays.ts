import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Question pools, option shuffling, numeric and essay questions (issue 17, contract 1.1):
 * - `quizzes.draw` (null = every question, as before) and `quizzes.shuffle_options` (false);
 * - `questions.pool`, `explanation`, `tolerance` (numeric questions), two new types, and
 *   `correct_answer` nullable (essays have none);
 * - `quiz_attempts.grading_status` ('auto' for every existing attempt: none holds an essay) and
 *   `option_orders` (null = options in the question's order);
 * - the analytics index also carries grading_status, so averages that leave out attempts pending
 *   grading stay index-only; a partial index serves the pending-grading list.
 * Every new column is nullable or has a constant default: existing rows stay valid and the
 * ALTERs only touch the catalog.
 */
export class QuizPoolsAndEssays1795937068491 implements MigrationInterface {
  name = 'QuizPoolsAndEssays1795937068491';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "quizzes"
        ADD COLUMN "shuffle_options" boolean NOT NULL DEFAULT false,
        ADD COLUMN "draw" jsonb`);

    await queryRunner.query(`
      ALTER TABLE "questions"
        ADD COLUMN "tolerance" double precision,
        ADD COLUMN "pool" character varying(50),
        ADD COLUMN "explanation" text,
        ALTER COLUMN "correct_answer" DROP NOT NULL,
        DROP CONSTRAINT "ck_questions_type",
        ADD CONSTRAINT "ck_questions_type" CHECK ("type" IN ('multiple_choice', 'multiple_select', 'true_false', 'short_answer', 'numeric', 'essay')),
        ADD CONSTRAINT "ck_questions_tolerance" CHECK ("tolerance" >= 0),
        ADD CONSTRAINT "ck_questions_answer" CHECK ("type" = 'essay' OR "correct_answer" IS NOT NULL)`);
    await queryRunner.query(
      `CREATE INDEX "ix_questions_quiz_pool" ON "questions" ("quiz_id", "pool") WHERE pool IS NOT NULL`,
    );

    await queryRunner.query(`
      ALTER TABLE "quiz_attempts"
        ADD COLUMN "option_orders" jsonb,
        ADD COLUMN "grading_status" character varying(20) NOT NULL DEFAULT 'auto',
        ADD CONSTRAINT "ck_quiz_attempts_grading_status" CHECK ("grading_status" IN ('auto', 'pending', 'graded'))`);
    await queryRunner.query(`DROP INDEX "ix_quiz_attempts_quiz_status"`);
    await queryRunner.query(
      `CREATE INDEX "ix_quiz_attempts_quiz_status" ON "quiz_attempts" ("quiz_id", "status")
         INCLUDE ("percentage", "passed", "grading_status")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_quiz_attempts_pending_grading" ON "quiz_attempts" ("quiz_id", "created_at")
         WHERE grading_status = 'pending'`,
    );
  }

  /** Drops numeric and essay questions (the old schema cannot hold them) with the new columns. */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_quiz_attempts_pending_grading"`);
    await queryRunner.query(`DROP INDEX "ix_quiz_attempts_quiz_status"`);
    await queryRunner.query(
      `CREATE INDEX "ix_quiz_attempts_quiz_status" ON "quiz_attempts" ("quiz_id", "status")
         INCLUDE ("percentage", "passed")`,
    );
    await queryRunner.query(`
      ALTER TABLE "quiz_attempts"
        DROP CONSTRAINT "ck_quiz_attempts_grading_status",
        DROP COLUMN "grading_status",
        DROP COLUMN "option_orders"`);
    await queryRunner.query(`DROP INDEX "ix_questions_quiz_pool"`);
    await queryRunner.query(`DELETE FROM "questions" WHERE "type" IN ('numeric', 'essay')`);
    await queryRunner.query(`
      ALTER TABLE "questions"
        DROP CONSTRAINT "ck_questions_answer",
        DROP CONSTRAINT "ck_questions_tolerance",
        DROP CONSTRAINT "ck_questions_type",
        ADD CONSTRAINT "ck_questions_type" CHECK ("type" IN ('multiple_choice', 'multiple_select', 'true_false', 'short_answer')),
        ALTER COLUMN "correct_answer" SET NOT NULL,
        DROP COLUMN "explanation",
        DROP COLUMN "pool",
        DROP COLUMN "tolerance"`);
    await queryRunner.query(`
      ALTER TABLE "quizzes"
        DROP COLUMN "draw",
        DROP COLUMN "shuffle_options"`);
  }
}
