import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateQuizzes1764000000400 implements MigrationInterface {
  name = 'CreateQuizzes1764000000400';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "quizzes" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "course_id" uuid NOT NULL,
        "lesson_id" uuid,
        "title" character varying(200) NOT NULL,
        "description" text,
        "time_limit_minutes" integer,
        "passing_score_percentage" integer NOT NULL DEFAULT 70,
        "shuffle_questions" boolean NOT NULL DEFAULT false,
        "max_attempts" integer,
        "show_correct_answers" boolean NOT NULL DEFAULT true,
        "is_published" boolean NOT NULL DEFAULT false,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_quizzes" PRIMARY KEY ("id"),
        CONSTRAINT "ck_quizzes_passing" CHECK ("passing_score_percentage" BETWEEN 0 AND 100),
        CONSTRAINT "ck_quizzes_time_limit" CHECK ("time_limit_minutes" > 0),
        CONSTRAINT "ck_quizzes_max_attempts" CHECK ("max_attempts" > 0),
        CONSTRAINT "fk_quizzes_course" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_quizzes_lesson" FOREIGN KEY ("lesson_id") REFERENCES "lessons"("id") ON DELETE SET NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_quizzes_course" ON "quizzes" ("course_id", "created_at")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_quizzes_lesson" ON "quizzes" ("lesson_id")`);

    await queryRunner.query(`
      CREATE TABLE "questions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "quiz_id" uuid NOT NULL,
        "text" text NOT NULL,
        "type" character varying(20) NOT NULL,
        "options" jsonb,
        "correct_answer" jsonb NOT NULL,
        "points" integer NOT NULL DEFAULT 1,
        "position" integer NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_questions" PRIMARY KEY ("id"),
        CONSTRAINT "ck_questions_type" CHECK ("type" IN ('multiple_choice', 'multiple_select', 'true_false', 'short_answer')),
        CONSTRAINT "ck_questions_points" CHECK ("points" >= 0),
        CONSTRAINT "fk_questions_quiz" FOREIGN KEY ("quiz_id") REFERENCES "quizzes"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_questions_quiz" ON "questions" ("quiz_id", "position")`,
    );

    await queryRunner.query(`
      CREATE TABLE "quiz_attempts" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "quiz_id" uuid NOT NULL,
        "student_id" uuid NOT NULL,
        "enrollment_id" uuid NOT NULL,
        "attempt_number" integer NOT NULL,
        "status" character varying(20) NOT NULL DEFAULT 'in_progress',
        "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE,
        "submitted_at" TIMESTAMP WITH TIME ZONE,
        "question_order" jsonb NOT NULL,
        "answers" jsonb,
        "results" jsonb,
        "score" integer,
        "max_score" integer,
        "percentage" numeric(5,2),
        "passed" boolean,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_quiz_attempts" PRIMARY KEY ("id"),
        CONSTRAINT "ck_quiz_attempts_status" CHECK ("status" IN ('in_progress', 'submitted', 'expired')),
        CONSTRAINT "fk_quiz_attempts_quiz" FOREIGN KEY ("quiz_id") REFERENCES "quizzes"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_quiz_attempts_student" FOREIGN KEY ("student_id") REFERENCES "users"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_quiz_attempts_enrollment" FOREIGN KEY ("enrollment_id") REFERENCES "enrollments"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_quiz_attempts_number" ON "quiz_attempts" ("quiz_id", "student_id", "attempt_number")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_quiz_attempts_in_progress" ON "quiz_attempts" ("quiz_id", "student_id") WHERE status = 'in_progress'`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_quiz_attempts_quiz_created" ON "quiz_attempts" ("quiz_id", "created_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "quiz_attempts"`);
    await queryRunner.query(`DROP TABLE "questions"`);
    await queryRunner.query(`DROP TABLE "quizzes"`);
  }
}
