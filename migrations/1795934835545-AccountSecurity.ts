import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Security state that must survive a Redis outage or restart (issue 15):
 * - `auth_attempts`: counters with a window and an optional lock, written by one atomic upsert per
 *   attempt (login and password checks per email and client IP, MFA codes per user, spent TOTP
 *   periods, the reset-mail throttle per email).
 * - `revoked_tokens`: access and MFA token ids revoked before their expiry (logout, spent MFA
 *   challenges); Redis holds a copy as the fast path.
 * - `one_time_tokens.token_hash` becomes nullable: a reset or verification token is minted when
 *   its mail is sent, so no job or outbox payload ever carries it.
 */
export class AccountSecurity1795934835545 implements MigrationInterface {
  name = 'AccountSecurity1795934835545';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "auth_attempts" (
        "key" character varying(400) NOT NULL,
        "attempts" integer NOT NULL,
        "window_ends_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "locked_until" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_auth_attempts" PRIMARY KEY ("key")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_auth_attempts_window" ON "auth_attempts" ("window_ends_at")`,
    );
    await queryRunner.query(`
      CREATE TABLE "revoked_tokens" (
        "jti" uuid NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_revoked_tokens" PRIMARY KEY ("jti")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_revoked_tokens_expires" ON "revoked_tokens" ("expires_at")`,
    );
    await queryRunner.query(
      `ALTER TABLE "one_time_tokens" ALTER COLUMN "token_hash" DROP NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "one_time_tokens" WHERE "token_hash" IS NULL`);
    await queryRunner.query(`ALTER TABLE "one_time_tokens" ALTER COLUMN "token_hash" SET NOT NULL`);
    await queryRunner.query(`DROP TABLE "revoked_tokens"`);
    await queryRunner.query(`DROP TABLE "auth_attempts"`);
  }
}
