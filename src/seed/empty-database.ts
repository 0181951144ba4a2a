import type { DataSource } from 'typeorm';

/** Something that runs SQL: the DataSource, or a QueryRunner holding one connection. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** The database already holds users: seeding would mix demo or bulk data into real data. */
export class NonEmptyDatabaseError extends Error {
  constructor(users: number) {
    super(
      `the database is not empty (${users} user${users === 1 ? '' : 's'}): seeds only fill an ` +
        'empty database; nothing was changed.',
    );
  }
}

/**
 * Refuses a database that has users. With `lock` (inside a transaction) the users table stays
 * locked against writers until commit, so two seeds or a sign-up cannot slip in between.
 */
export async function assertEmpty(db: Queryable, options: { lock?: boolean } = {}): Promise<void> {
  if (options.lock) await db.query('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE');
  const [row] = (await db.query('SELECT count(*)::int AS users FROM users')) as Array<{
    users: number;
  }>;
  if (row.users > 0) throw new NonEmptyDatabaseError(row.users);
}

/**
 * Checks before changing anything: a database that has users is refused as it is (no migration
 * applied either); an empty or brand-new one then gets its pending migrations when `migrate`.
 * Returns the names of the migrations applied.
 */
export async function prepareEmptyDatabase(db: DataSource, migrate: boolean): Promise<string[]> {
  const [{ present }] = await db.query<Array<{ present: boolean }>>(
    `SELECT to_regclass('users') IS NOT NULL AS present`,
  );
  if (present) await assertEmpty(db);
  if (!migrate) return [];
  const ran = await db.runMigrations({ transaction: 'each' });
  return ran.map((migration) => migration.name);
}
