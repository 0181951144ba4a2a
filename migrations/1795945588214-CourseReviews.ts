import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Course reviews (issue 21): one review per (course, student), replaced on PUT. The course keeps
 * `rating_sum` and `rating_count`, changed by deltas in the transaction of each review change
 * (never a recount); the check keeps them within what the reviews can add up to. Existing courses
 * start at 0 reviews.
 */
export class CourseReviews1795945588214 implements MigrationInterface {
  name = 'CourseReviews1795945588214';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "courses" ADD "rating_sum" integer NOT NULL DEFAULT 0, ADD "rating_count" integer NOT NULL DEFAULT 0`,
    );
    await queryRunner.query(
      `ALTER TABLE "courses" ADD CONSTRAINT "ck_courses_rating" CHECK ("rating_count" >= 0 AND "rating_sum" BETWEEN "rating_count" AND 5 * "rating_count")`,
    );
    await queryRunner.query(`
      CREATE TABLE "course_reviews" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "course_id" uuid NOT NULL,
        "student_id" uuid NOT NULL,
        "rating" smallint NOT NULL,
        "comment" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_course_reviews" PRIMARY KEY ("id"),
        CONSTRAINT "ck_course_reviews_rating" CHECK ("rating" BETWEEN 1 AND 5),
        CONSTRAINT "ck_course_reviews_comment" CHECK (char_length("comment") <= 2000),
        CONSTRAINT "fk_course_reviews_course" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_course_reviews_student" FOREIGN KEY ("student_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_course_reviews_course_student" ON "course_reviews" ("course_id", "student_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_course_reviews_course_created" ON "course_reviews" ("course_id", "created_at" DESC, "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_course_reviews_student" ON "course_reviews" ("student_id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "course_reviews"`);
    await queryRunner.query(`ALTER TABLE "courses" DROP CONSTRAINT "ck_courses_rating"`);
    await queryRunner.query(
      `ALTER TABLE "courses" DROP COLUMN "rating_count", DROP COLUMN "rating_sum"`,
    );
  }
}
