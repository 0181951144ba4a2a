import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEnrollments1764000000300 implements MigrationInterface {
  name = 'CreateEnrollments1764000000300';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "enrollments" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "student_id" uuid NOT NULL,
        "course_id" uuid NOT NULL,
        "status" character varying(20) NOT NULL DEFAULT 'active',
        "enrolled_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "completed_at" TIMESTAMP WITH TIME ZONE,
        "progress_percentage" numeric(5,2) NOT NULL DEFAULT 0,
        "completed_lessons" integer NOT NULL DEFAULT 0,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_enrollments" PRIMARY KEY ("id"),
        CONSTRAINT "ck_enrollments_status" CHECK ("status" IN ('active', 'completed')),
        CONSTRAINT "ck_enrollments_progress" CHECK ("progress_percentage" BETWEEN 0 AND 100),
        CONSTRAINT "fk_enrollments_student" FOREIGN KEY ("student_id") REFERENCES "users"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_enrollments_course" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_enrollments_student_course" ON "enrollments" ("student_id", "course_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_enrollments_student_enrolled" ON "enrollments" ("student_id", "enrolled_at" DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_enrollments_course_status" ON "enrollments" ("course_id", "status")`,
    );

    await queryRunner.query(`
      CREATE TABLE "lesson_progress" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "enrollment_id" uuid NOT NULL,
        "lesson_id" uuid NOT NULL,
        "completed" boolean NOT NULL DEFAULT true,
        "completed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_lesson_progress" PRIMARY KEY ("id"),
        CONSTRAINT "fk_lesson_progress_enrollment" FOREIGN KEY ("enrollment_id") REFERENCES "enrollments"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_lesson_progress_lesson" FOREIGN KEY ("lesson_id") REFERENCES "lessons"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_lesson_progress_enrollment_lesson" ON "lesson_progress" ("enrollment_id", "lesson_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_lesson_progress_lesson" ON "lesson_progress" ("lesson_id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "lesson_progress"`);
    await queryRunner.query(`DROP TABLE "enrollments"`);
  }
}
