import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Course structure: ordered modules with a release schedule and prerequisites, and lessons that
 * may belong to one. Existing lessons keep `module_id` NULL, so courses without modules behave as
 * before. Deleting a module that holds lessons is refused (RESTRICT; the API answers 409 before);
 * prerequisites pointing at a deleted module go with it (CASCADE).
 */
export class CourseModules1795934900000 implements MigrationInterface {
  name = 'CourseModules1795934900000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "course_modules" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "course_id" uuid NOT NULL,
        "title" varchar(200) NOT NULL,
        "description" text,
        "position" int NOT NULL,
        "unlock_at" TIMESTAMP WITH TIME ZONE,
        "unlock_after_days" int,
        "require_sequential_progress" boolean NOT NULL DEFAULT false,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_course_modules" PRIMARY KEY ("id"),
        CONSTRAINT "ck_course_modules_position" CHECK ("position" >= 1),
        CONSTRAINT "ck_course_modules_unlock_after_days" CHECK ("unlock_after_days" >= 0),
        CONSTRAINT "fk_course_modules_course" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE,
        CONSTRAINT "uq_course_modules_course_position" UNIQUE ("course_id", "position") DEFERRABLE INITIALLY DEFERRED
      )`);
    await queryRunner.query(`
      CREATE TABLE "module_prerequisites" (
        "module_id" uuid NOT NULL,
        "prerequisite_id" uuid NOT NULL,
        CONSTRAINT "pk_module_prerequisites" PRIMARY KEY ("module_id", "prerequisite_id"),
        CONSTRAINT "ck_module_prerequisites_not_self" CHECK ("module_id" <> "prerequisite_id"),
        CONSTRAINT "fk_module_prerequisites_module" FOREIGN KEY ("module_id") REFERENCES "course_modules"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_module_prerequisites_prerequisite" FOREIGN KEY ("prerequisite_id") REFERENCES "course_modules"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_module_prerequisites_prerequisite" ON "module_prerequisites" ("prerequisite_id")`,
    );
    await queryRunner.query(`ALTER TABLE "lessons" ADD COLUMN "module_id" uuid`);
    await queryRunner.query(
      `ALTER TABLE "lessons" ADD CONSTRAINT "fk_lessons_module" FOREIGN KEY ("module_id")
         REFERENCES "course_modules"("id") ON DELETE RESTRICT`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_lessons_module" ON "lessons" ("module_id") WHERE module_id IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_lessons_module"`);
    await queryRunner.query(`ALTER TABLE "lessons" DROP CONSTRAINT "fk_lessons_module"`);
    await queryRunner.query(`ALTER TABLE "lessons" DROP COLUMN "module_id"`);
    await queryRunner.query(`DROP TABLE "module_prerequisites"`);
    await queryRunner.query(`DROP TABLE "course_modules"`);
  }
}
