import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys (issue 21): one row per (caller scope, key), shared by every API process.
 * - `scope` is `user:<id>` or `ip:<address>`; the primary key decides concurrent first requests;
 * - `state` is `running` until the first response is stored (`done`); a failed first request
 *   deletes its row so that the key can be retried;
 * - `response_body` is sealed (AES-GCM, as MFA secrets): a replayed session must not sit in
 *   plain text;
 * - rows expire after 24 h (`expires_at`, indexed for the hourly purge).
 * A new table only: existing rows are untouched.
 */
export class IdempotencyKeys1795944323322 implements MigrationInterface {
  name = 'IdempotencyKeys1795944323322';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "idempotency_keys" (
        "scope" character varying(100) NOT NULL,
        "key" character varying(255) NOT NULL,
        "fingerprint" character(64) NOT NULL,
        "state" character varying(10) NOT NULL DEFAULT 'running',
        "response_status" integer,
        "response_headers" jsonb,
        "response_body" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_idempotency_keys" PRIMARY KEY ("scope", "key"),
        CONSTRAINT "ck_idempotency_keys_state" CHECK ("state" IN ('running', 'done'))
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_idempotency_keys_expires" ON "idempotency_keys" ("expires_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
  }
}
