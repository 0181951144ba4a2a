import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIdentity1764000000100 implements MigrationInterface {
  name = 'CreateIdentity1764000000100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "users" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "email" character varying(254) NOT NULL,
        "password_hash" character varying(255) NOT NULL,
        "full_name" character varying(200) NOT NULL,
        "role" character varying(20) NOT NULL,
        "is_active" boolean NOT NULL DEFAULT true,
        "mfa_enabled" boolean NOT NULL DEFAULT false,
        "mfa_secret" text,
        "metadata" jsonb NOT NULL DEFAULT '{}',
        "email_verified_at" TIMESTAMP WITH TIME ZONE,
        "last_login_at" TIMESTAMP WITH TIME ZONE,
        "tokens_valid_after" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "deleted_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_users" PRIMARY KEY ("id"),
        CONSTRAINT "ck_users_role" CHECK ("role" IN ('admin', 'instructor', 'student')),
        CONSTRAINT "ck_users_email_lower" CHECK ("email" = lower("email"))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_users_email" ON "users" ("email")`);
    await queryRunner.query(
      `CREATE INDEX "ix_users_role_created" ON "users" ("role", "created_at")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_users_created" ON "users" ("created_at")`);

    await queryRunner.query(`
      CREATE TABLE "refresh_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "family_id" uuid NOT NULL,
        "token_hash" character(64) NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        "replaced_by_id" uuid,
        "user_agent" character varying(300),
        "ip" character varying(64),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_refresh_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "fk_refresh_tokens_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_refresh_tokens_hash" ON "refresh_tokens" ("token_hash")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_refresh_tokens_family" ON "refresh_tokens" ("family_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_refresh_tokens_user" ON "refresh_tokens" ("user_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_refresh_tokens_expires" ON "refresh_tokens" ("expires_at")`,
    );

    await queryRunner.query(`
      CREATE TABLE "one_time_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "purpose" character varying(32) NOT NULL,
        "token_hash" character(64) NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_one_time_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "ck_one_time_tokens_purpose" CHECK ("purpose" IN ('password_reset', 'email_verification')),
        CONSTRAINT "fk_one_time_tokens_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_one_time_tokens_hash" ON "one_time_tokens" ("token_hash")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_one_time_tokens_user" ON "one_time_tokens" ("user_id", "purpose")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_one_time_tokens_expires" ON "one_time_tokens" ("expires_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "one_time_tokens"`);
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
    await queryRunner.query(`DROP TABLE "users"`);
  }
}
