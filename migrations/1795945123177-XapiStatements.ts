import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Learning records (issue 19, contract 1.1): one row per xAPI statement to send to the LRS, with
 * the delivery columns the webhook deliveries have (the same retry machinery drives both). The
 * primary key is the statement id, derived from the domain event's id, so a domain event handled
 * twice queues one statement. New table only.
 */
export class XapiStatements1795945123177 implements MigrationInterface {
  name = 'XapiStatements1795945123177';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "xapi_statements" (
        "id" uuid NOT NULL,
        "event_id" uuid NOT NULL,
        "event_type" character varying(64) NOT NULL,
        "statement" jsonb NOT NULL,
        "status" character varying(20) NOT NULL DEFAULT 'pending',
        "attempts" integer NOT NULL DEFAULT 0,
        "last_status_code" integer,
        "last_error" character varying(500),
        "next_attempt_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_xapi_statements" PRIMARY KEY ("id"),
        CONSTRAINT "ck_xapi_statements_status" CHECK ("status" IN ('pending', 'succeeded', 'failed'))
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_xapi_statements_due" ON "xapi_statements" ("next_attempt_at") WHERE status = 'pending'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "xapi_statements"`);
  }
}
