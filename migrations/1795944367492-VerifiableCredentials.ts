import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Verifiable certificates (issue 19, contract 1.1):
 * - `signing_keys`: the issuer's key pairs, by `purpose` (credentials now, LTI later) and
 *   `algorithm`; at most one active key per purpose (the partial unique index settles two
 *   processes creating the first key at once); retired keys stay for the JWKS. `private_key` is
 *   sealed with the secret box, NULL for a key given by the environment (public half only).
 * - `status_lists`: Bitstring Status Lists of 131,072 bits (16 KiB); `allocated` counts the
 *   entries handed out, and the n-th gets the position a permutation keyed by `index_key` gives
 *   it (positions do not reveal the order of issue).
 * - `certificate_credentials`: one per certificate: its salt, status list entry and the VC-JWT
 *   as issued (the credential is its payload), so every call returns the same credential.
 * New tables only: existing rows are untouched.
 */
export class VerifiableCredentials1795944367492 implements MigrationInterface {
  name = 'VerifiableCredentials1795944367492';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "signing_keys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "kid" character varying(100) NOT NULL,
        "purpose" character varying(40) NOT NULL,
        "algorithm" character varying(20) NOT NULL,
        "public_jwk" jsonb NOT NULL,
        "private_key" text,
        "active" boolean NOT NULL DEFAULT false,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "retired_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_signing_keys" PRIMARY KEY ("id"),
        CONSTRAINT "ux_signing_keys_kid" UNIQUE ("kid")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_signing_keys_active" ON "signing_keys" ("purpose") WHERE active`,
    );

    await queryRunner.query(`
      CREATE TABLE "status_lists" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "purpose" character varying(20) NOT NULL DEFAULT 'revocation',
        "size" integer NOT NULL,
        "allocated" integer NOT NULL DEFAULT 0,
        "index_key" bytea NOT NULL,
        "bits" bytea NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_status_lists" PRIMARY KEY ("id"),
        CONSTRAINT "ck_status_lists_allocated" CHECK ("allocated" BETWEEN 0 AND "size"),
        CONSTRAINT "ck_status_lists_bits" CHECK (octet_length("bits") * 8 = "size")
      )`);

    await queryRunner.query(`
      CREATE TABLE "certificate_credentials" (
        "certificate_id" uuid NOT NULL,
        "salt" character varying(64) NOT NULL,
        "status_list_id" uuid NOT NULL,
        "status_index" integer NOT NULL,
        "kid" character varying(100) NOT NULL,
        "jwt" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_certificate_credentials" PRIMARY KEY ("certificate_id"),
        CONSTRAINT "ux_certificate_credentials_status" UNIQUE ("status_list_id", "status_index"),
        CONSTRAINT "fk_certificate_credentials_certificate" FOREIGN KEY ("certificate_id") REFERENCES "certificates"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_certificate_credentials_list" FOREIGN KEY ("status_list_id") REFERENCES "status_lists"("id")
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "certificate_credentials"`);
    await queryRunner.query(`DROP TABLE "status_lists"`);
    await queryRunner.query(`DROP TABLE "signing_keys"`);
  }
}
