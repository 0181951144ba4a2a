import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOutbox1764000000000 implements MigrationInterface {
  name = 'CreateOutbox1764000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "outbox_messages" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "queue" character varying(64) NOT NULL,
        "name" character varying(128) NOT NULL,
        "payload" jsonb NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "sent_at" TIMESTAMP WITH TIME ZONE,
        "relay_attempts" integer NOT NULL DEFAULT 0,
        "last_error" character varying(500),
        CONSTRAINT "pk_outbox_messages" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_outbox_messages_unsent" ON "outbox_messages" ("created_at") WHERE sent_at IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "outbox_messages"`);
  }
}
