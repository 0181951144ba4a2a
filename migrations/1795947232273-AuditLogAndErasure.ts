import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log and the erasure of personal data (issue 21, contract 1.1):
 * - `audit_events` is append-only: the trigger `audit_events_append_only` refuses every DELETE
 *   and TRUNCATE, and every UPDATE except one kind: inside a transaction that set
 *   `SET LOCAL lms.audit_erasure = 'on'` (only the erasure of a user does), an UPDATE may clear
 *   `ip` (to NULL) and rewrite `changes`; every other column must stay as it was.
 * - `users.erased_at` marks an erased (anonymised) account; erasure is idempotent on it.
 * - `certificates.student_name` becomes nullable: an erased student's certificates keep their
 *   number and verify with `studentName: null`.
 * New table and nullable columns: existing rows are untouched.
 */
export class AuditLogAndErasure1795947232273 implements MigrationInterface {
  name = 'AuditLogAndErasure1795947232273';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "audit_events" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        "actor_id" uuid,
        "actor_role" character varying(20),
        "action" character varying(60) NOT NULL,
        "resource_type" character varying(40) NOT NULL,
        "resource_id" uuid NOT NULL,
        "request_id" character varying(128),
        "ip" character varying(64),
        "changes" jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT "pk_audit_events" PRIMARY KEY ("id")
      )`);
    // Newest first, alone or behind each filter (the id breaks ties, as in the ORDER BY).
    await queryRunner.query(
      `CREATE INDEX "ix_audit_events_occurred" ON "audit_events" ("occurred_at" DESC, "id" DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_events_actor" ON "audit_events" ("actor_id", "occurred_at" DESC) WHERE actor_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_events_action" ON "audit_events" ("action", "occurred_at" DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_events_resource" ON "audit_events" ("resource_type", "resource_id", "occurred_at" DESC)`,
    );
    await queryRunner.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND current_setting('lms.audit_erasure', true) = 'on'
           AND NEW.id = OLD.id
           AND NEW.occurred_at = OLD.occurred_at
           AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
           AND NEW.actor_role IS NOT DISTINCT FROM OLD.actor_role
           AND NEW.action = OLD.action
           AND NEW.resource_type = OLD.resource_type
           AND NEW.resource_id = OLD.resource_id
           AND NEW.request_id IS NOT DISTINCT FROM OLD.request_id
           AND (NEW.ip IS NULL OR NEW.ip = OLD.ip)
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER "audit_events_append_only"
        BEFORE UPDATE OR DELETE ON "audit_events"
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER "audit_events_no_truncate"
        BEFORE TRUNCATE ON "audit_events"
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);

    await queryRunner.query(`ALTER TABLE "users" ADD "erased_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "certificates" ALTER COLUMN "student_name" DROP NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "certificates" SET "student_name" = '' WHERE "student_name" IS NULL`,
    );
    await queryRunner.query(`ALTER TABLE "certificates" ALTER COLUMN "student_name" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "erased_at"`);
    await queryRunner.query(`DROP TABLE "audit_events"`);
    await queryRunner.query(`DROP FUNCTION audit_events_append_only()`);
  }
}
