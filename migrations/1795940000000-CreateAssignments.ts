import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Assignments and their submissions (issue 18, contract 1.1):
 * - `assignments` belong to a course (cascade) and optionally to a lesson (set null);
 * - `submissions` are versioned per (assignment, student): the unique index decides concurrent
 *   submits, the latest version per student is served by the same index;
 * - the grade lives on the submission (a regrade replaces it);
 * - `file_ids` (GIN-indexed) keeps attached files from being deleted (files answer 409).
 * New tables only: existing rows are untouched.
 */
export class CreateAssignments1795940000000 implements MigrationInterface {
  name = 'CreateAssignments1795940000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "assignments" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "course_id" uuid NOT NULL,
        "lesson_id" uuid,
        "title" character varying(200) NOT NULL,
        "instructions" text,
        "due_at" TIMESTAMP WITH TIME ZONE,
        "max_points" integer NOT NULL DEFAULT 100,
        "passing_score_percentage" integer NOT NULL DEFAULT 60,
        "submission_types" jsonb NOT NULL,
        "allow_late_submissions" boolean NOT NULL DEFAULT true,
        "late_penalty_percent" integer NOT NULL DEFAULT 0,
        "allow_resubmission" boolean NOT NULL DEFAULT true,
        "rubric" jsonb,
        "is_published" boolean NOT NULL DEFAULT false,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_assignments" PRIMARY KEY ("id"),
        CONSTRAINT "ck_assignments_max_points" CHECK ("max_points" BETWEEN 1 AND 1000),
        CONSTRAINT "ck_assignments_passing" CHECK ("passing_score_percentage" BETWEEN 0 AND 100),
        CONSTRAINT "ck_assignments_late_penalty" CHECK ("late_penalty_percent" BETWEEN 0 AND 100),
        CONSTRAINT "fk_assignments_course" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_assignments_lesson" FOREIGN KEY ("lesson_id") REFERENCES "lessons"("id") ON DELETE SET NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_assignments_course" ON "assignments" ("course_id", "created_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_assignments_lesson" ON "assignments" ("lesson_id") WHERE lesson_id IS NOT NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE "submissions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "assignment_id" uuid NOT NULL,
        "student_id" uuid NOT NULL,
        "enrollment_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "text" text,
        "file_ids" uuid[] NOT NULL DEFAULT '{}',
        "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "late" boolean NOT NULL,
        "status" character varying(20) NOT NULL DEFAULT 'submitted',
        "score" numeric(8,2),
        "final_score" numeric(8,2),
        "feedback" text,
        "rubric_scores" jsonb,
        "graded_at" TIMESTAMP WITH TIME ZONE,
        "grader_id" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_submissions" PRIMARY KEY ("id"),
        CONSTRAINT "ck_submissions_status" CHECK ("status" IN ('submitted', 'graded')),
        CONSTRAINT "ck_submissions_version" CHECK ("version" > 0),
        CONSTRAINT "fk_submissions_assignment" FOREIGN KEY ("assignment_id") REFERENCES "assignments"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_submissions_student" FOREIGN KEY ("student_id") REFERENCES "users"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_submissions_enrollment" FOREIGN KEY ("enrollment_id") REFERENCES "enrollments"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_submissions_grader" FOREIGN KEY ("grader_id") REFERENCES "users"("id") ON DELETE SET NULL
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_submissions_version" ON "submissions" ("assignment_id", "student_id", "version")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_submissions_student" ON "submissions" ("student_id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "submissions"`);
    await queryRunner.query(`DROP TABLE "assignments"`);
  }
}
