import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * LTI 1.3 platform (issue 20, contract 1.1 "LTI 1.3"):
 * - `lti_tools`, the registry (admin); `client_id` unique;
 * - (the platform's RS256 key pair is a `signing_keys` row of purpose `lti`, created on first use);
 * - `lti_replay_guard`, single-use values (message hints, nonces, client assertion `jti`s) until
 *   they expire: the primary key decides concurrent uses;
 * - `lti_line_items` per course (cascade), optionally tied to a lesson (resource link), one
 *   default line item per lesson (created at its first launch);
 * - `lti_scores`, the latest score per line item and student;
 * - lessons gain `lti_tool_id` (a tool in use cannot be deleted) and `lti_custom`; the content
 *   type check gains 'lti', and an lti lesson must name its tool.
 * Existing rows are untouched.
 */
export class CreateLti1795944429864 implements MigrationInterface {
  name = 'CreateLti1795944429864';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "lti_tools" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" character varying(200) NOT NULL,
        "client_id" character varying(255) NOT NULL,
        "deployment_id" character varying(255) NOT NULL,
        "login_initiation_url" character varying(2048) NOT NULL,
        "redirect_urls" jsonb NOT NULL,
        "jwks_url" character varying(2048) NOT NULL,
        "deep_linking_url" character varying(2048),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_lti_tools" PRIMARY KEY ("id"),
        CONSTRAINT "uq_lti_tools_client_id" UNIQUE ("client_id")
      )`);
    await queryRunner.query(`
      CREATE TABLE "lti_replay_guard" (
        "kind" character varying(20) NOT NULL,
        "value" character varying(512) NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_lti_replay_guard" PRIMARY KEY ("kind", "value")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_lti_replay_guard_expires" ON "lti_replay_guard" ("expires_at")`,
    );
    await queryRunner.query(`
      CREATE TABLE "lti_line_items" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "course_id" uuid NOT NULL,
        "tool_id" uuid NOT NULL,
        "lesson_id" uuid,
        "is_default" boolean NOT NULL DEFAULT false,
        "label" character varying(200) NOT NULL,
        "score_maximum" numeric(10,2) NOT NULL,
        "resource_id" character varying(255),
        "tag" character varying(255),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_lti_line_items" PRIMARY KEY ("id"),
        CONSTRAINT "ck_lti_line_items_score_maximum" CHECK ("score_maximum" > 0),
        CONSTRAINT "fk_lti_line_items_course" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_lti_line_items_tool" FOREIGN KEY ("tool_id") REFERENCES "lti_tools"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_lti_line_items_lesson" FOREIGN KEY ("lesson_id") REFERENCES "lessons"("id") ON DELETE SET NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_lti_line_items_course" ON "lti_line_items" ("course_id", "created_at")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_lti_line_items_default" ON "lti_line_items" ("lesson_id", "tool_id") WHERE is_default`,
    );
    await queryRunner.query(`
      CREATE TABLE "lti_scores" (
        "line_item_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "score_given" numeric(12,4),
        "score_maximum" numeric(12,4),
        "activity_progress" character varying(20) NOT NULL,
        "grading_progress" character varying(20) NOT NULL,
        "comment" text,
        "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_lti_scores" PRIMARY KEY ("line_item_id", "user_id"),
        CONSTRAINT "fk_lti_scores_line_item" FOREIGN KEY ("line_item_id") REFERENCES "lti_line_items"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_lti_scores_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "ix_lti_scores_user" ON "lti_scores" ("user_id")`);

    await queryRunner.query(`ALTER TABLE "lessons" ADD "lti_tool_id" uuid`);
    await queryRunner.query(`ALTER TABLE "lessons" ADD "lti_custom" jsonb`);
    await queryRunner.query(
      `ALTER TABLE "lessons" ADD CONSTRAINT "fk_lessons_lti_tool" FOREIGN KEY ("lti_tool_id") REFERENCES "lti_tools"("id") ON DELETE RESTRICT`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_lessons_lti_tool" ON "lessons" ("lti_tool_id", "course_id") WHERE lti_tool_id IS NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE "lessons" DROP CONSTRAINT "ck_lessons_content_type"`);
    await queryRunner.query(
      `ALTER TABLE "lessons" ADD CONSTRAINT "ck_lessons_content_type" CHECK ("content_type" IN ('video', 'text', 'document', 'lti'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "lessons" ADD CONSTRAINT "ck_lessons_lti_tool" CHECK (("content_type" = 'lti') = ("lti_tool_id" IS NOT NULL))`,
    );
    await queryRunner.query(
      `ALTER TABLE "lessons" ADD CONSTRAINT "ck_lessons_lti_custom" CHECK ("lti_custom" IS NULL OR "content_type" = 'lti')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "lessons" WHERE "content_type" = 'lti'`);
    await queryRunner.query(`ALTER TABLE "lessons" DROP CONSTRAINT "ck_lessons_lti_custom"`);
    await queryRunner.query(`ALTER TABLE "lessons" DROP CONSTRAINT "ck_lessons_lti_tool"`);
    await queryRunner.query(`ALTER TABLE "lessons" DROP CONSTRAINT "ck_lessons_content_type"`);
    await queryRunner.query(
      `ALTER TABLE "lessons" ADD CONSTRAINT "ck_lessons_content_type" CHECK ("content_type" IN ('video', 'text', 'document'))`,
    );
    await queryRunner.query(`DROP INDEX "ix_lessons_lti_tool"`);
    await queryRunner.query(`ALTER TABLE "lessons" DROP CONSTRAINT "fk_lessons_lti_tool"`);
    await queryRunner.query(`ALTER TABLE "lessons" DROP COLUMN "lti_custom"`);
    await queryRunner.query(`ALTER TABLE "lessons" DROP COLUMN "lti_tool_id"`);
    await queryRunner.query(`DROP TABLE "lti_scores"`);
    await queryRunner.query(`DROP TABLE "lti_line_items"`);
    await queryRunner.query(`DROP TABLE "lti_replay_guard"`);
    await queryRunner.query(`DROP TABLE "lti_tools"`);
  }
}
