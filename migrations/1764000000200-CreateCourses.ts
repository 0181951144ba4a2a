import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCourses1764000000200 implements MigrationInterface {
  name = 'CreateCourses1764000000200';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "courses" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "title" character varying(200) NOT NULL,
        "slug" character varying(100) NOT NULL,
        "description" text,
        "category" character varying(100),
        "difficulty_level" character varying(20),
        "is_published" boolean NOT NULL DEFAULT false,
        "published_at" TIMESTAMP WITH TIME ZONE,
        "thumbnail_url" character varying(2048),
        "estimated_duration_minutes" integer,
        "metadata" jsonb NOT NULL DEFAULT '{}',
        "instructor_id" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "search_vector" tsvector GENERATED ALWAYS AS (
          to_tsvector('simple', coalesce("title", '') || ' ' || coalesce("description", ''))
        ) STORED,
        CONSTRAINT "pk_courses" PRIMARY KEY ("id"),
        CONSTRAINT "ck_courses_difficulty" CHECK ("difficulty_level" IN ('beginner', 'intermediate', 'advanced')),
        CONSTRAINT "ck_courses_duration" CHECK ("estimated_duration_minutes" >= 0),
        CONSTRAINT "fk_courses_instructor" FOREIGN KEY ("instructor_id") REFERENCES "users"("id") ON DELETE RESTRICT
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_courses_slug" ON "courses" ("slug")`);
    await queryRunner.query(
      `CREATE INDEX "ix_courses_published_created" ON "courses" ("created_at" DESC) WHERE is_published`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_courses_instructor_created" ON "courses" ("instructor_id", "created_at" DESC)`,
    );
    await queryRunner.query(`CREATE INDEX "ix_courses_category" ON "courses" ("category")`);
    await queryRunner.query(
      `CREATE INDEX "ix_courses_difficulty" ON "courses" ("difficulty_level")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_courses_search" ON "courses" USING GIN ("search_vector")`,
    );

    await queryRunner.query(`
      CREATE TABLE "lessons" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "course_id" uuid NOT NULL,
        "title" character varying(200) NOT NULL,
        "content" text,
        "content_type" character varying(20) NOT NULL,
        "video_url" character varying(2048),
        "duration_minutes" integer,
        "position" integer NOT NULL,
        "is_preview" boolean NOT NULL DEFAULT false,
        "metadata" jsonb NOT NULL DEFAULT '{}',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_lessons" PRIMARY KEY ("id"),
        CONSTRAINT "ck_lessons_content_type" CHECK ("content_type" IN ('video', 'text', 'document')),
        CONSTRAINT "ck_lessons_video_url" CHECK ("video_url" IS NULL OR "content_type" = 'video'),
        CONSTRAINT "ck_lessons_position" CHECK ("position" >= 1),
        CONSTRAINT "ck_lessons_duration" CHECK ("duration_minutes" >= 0),
        CONSTRAINT "fk_lessons_course" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE,
        -- Deferred, so that a reorder can move positions through each other inside its transaction.
        CONSTRAINT "uq_lessons_course_position" UNIQUE ("course_id", "position") DEFERRABLE INITIALLY DEFERRED
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "lessons"`);
    await queryRunner.query(`DROP TABLE "courses"`);
  }
}
