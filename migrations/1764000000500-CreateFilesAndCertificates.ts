import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateFilesAndCertificates1764000000500 implements MigrationInterface {
  name = 'CreateFilesAndCertificates1764000000500';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "files" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "uploaded_by_id" uuid NOT NULL,
        "original_filename" character varying(255) NOT NULL,
        "content_type" character varying(255) NOT NULL,
        "file_size" bigint NOT NULL,
        "storage_provider" character varying(20) NOT NULL,
        "storage_key" character varying(300) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_files" PRIMARY KEY ("id"),
        CONSTRAINT "ck_files_provider" CHECK ("storage_provider" IN ('local', 'azure')),
        CONSTRAINT "ck_files_size" CHECK ("file_size" > 0),
        CONSTRAINT "fk_files_uploaded_by" FOREIGN KEY ("uploaded_by_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_files_uploader_created" ON "files" ("uploaded_by_id", "created_at" DESC)`,
    );
    await queryRunner.query(`CREATE INDEX "ix_files_created" ON "files" ("created_at" DESC)`);

    await queryRunner.query(`
      CREATE TABLE "certificates" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "certificate_number" character varying(40) NOT NULL,
        "enrollment_id" uuid,
        "student_id" uuid NOT NULL,
        "course_id" uuid,
        "student_name" character varying(200) NOT NULL,
        "course_title" character varying(200) NOT NULL,
        "instructor_name" character varying(200) NOT NULL,
        "completed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        "storage_provider" character varying(20) NOT NULL,
        "storage_key" character varying(300) NOT NULL,
        CONSTRAINT "pk_certificates" PRIMARY KEY ("id"),
        -- A certificate outlives its course and enrollment (it stays verifiable): SET NULL.
        CONSTRAINT "fk_certificates_enrollment" FOREIGN KEY ("enrollment_id") REFERENCES "enrollments"("id") ON DELETE SET NULL,
        CONSTRAINT "fk_certificates_course" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE SET NULL,
        CONSTRAINT "fk_certificates_student" FOREIGN KEY ("student_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_certificates_number" ON "certificates" ("certificate_number")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_certificates_enrollment" ON "certificates" ("enrollment_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_certificates_student_issued" ON "certificates" ("student_id", "issued_at" DESC)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "certificates"`);
    await queryRunner.query(`DROP TABLE "files"`);
  }
}
