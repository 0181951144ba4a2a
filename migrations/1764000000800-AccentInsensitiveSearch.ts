import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Course search ignores accents on both sides: "cafe" finds "Café X basics" and "café" finds
 * "Cafe". `unaccent` (a trusted extension: the database owner may create it) is not IMMUTABLE,
 * which a generated column requires; `lms_unaccent` wraps it with its dictionary named, schema
 * qualified so that it resolves under any search_path (restores run with an empty one). The
 * catalogue query applies the same function to the search words.
 *
 * Also indexes the periodic sweep of abandoned quiz attempts (in-progress, past their deadline).
 */
export class AccentInsensitiveSearch1764000000800 implements MigrationInterface {
  name = 'AccentInsensitiveSearch1764000000800';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public`);
    await queryRunner.query(
      `CREATE FUNCTION public.lms_unaccent(text) RETURNS text
         LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
         AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$`,
    );
    await queryRunner.query(`ALTER TABLE "courses" DROP COLUMN "search_vector"`);
    await queryRunner.query(
      `ALTER TABLE "courses" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
         to_tsvector('simple', public.lms_unaccent(coalesce("title", '') || ' ' || coalesce("description", '')))
       ) STORED`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_courses_search" ON "courses" USING GIN ("search_vector")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_quiz_attempts_open_deadline" ON "quiz_attempts" ("expires_at")
         WHERE status = 'in_progress' AND expires_at IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_quiz_attempts_open_deadline"`);
    await queryRunner.query(`ALTER TABLE "courses" DROP COLUMN "search_vector"`);
    await queryRunner.query(
      `ALTER TABLE "courses" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
         to_tsvector('simple', coalesce("title", '') || ' ' || coalesce("description", ''))
       ) STORED`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_courses_search" ON "courses" USING GIN ("search_vector")`,
    );
    await queryRunner.query(`DROP FUNCTION public.lms_unaccent(text)`);
  }
}
