import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * In-app notifications (contract 1.1, integrator features):
 * - one row per recipient, deleted with the user;
 * - `dedupe_key` makes each notification happen once per recipient: `event:<domain event id>`
 *   for those caused by a domain event (a redelivered or concurrently dispatched event inserts
 *   nothing), `assignment.published:<id>` and `assignment.due_soon:<id>` for the others;
 * - the list is read newest first per user, and the unread count through a partial index;
 * - the periodic due-soon job finds published assignments due within 24 h by
 *   \`ix_assignments_due\`.
 * A new table only: existing rows are untouched.
 */
export class CreateNotifications1795945378846 implements MigrationInterface {
  name = 'CreateNotifications1795945378846';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "notifications" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "type" character varying(40) NOT NULL,
        "title" character varying(300) NOT NULL,
        "body" text NOT NULL,
        "resource_type" character varying(40) NOT NULL,
        "resource_id" uuid NOT NULL,
        "dedupe_key" character varying(200) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "read_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_notifications" PRIMARY KEY ("id"),
        CONSTRAINT "fk_notifications_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_notifications_user_dedupe" ON "notifications" ("user_id", "dedupe_key")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_notifications_user_created" ON "notifications" ("user_id", "created_at" DESC, "id" DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_notifications_user_unread" ON "notifications" ("user_id", "created_at" DESC)
         WHERE read_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_assignments_due" ON "assignments" ("due_at")
         WHERE is_published AND due_at IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_assignments_due"`);
    await queryRunner.query(`DROP TABLE "notifications"`);
  }
}
