import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EntryPoint, freePort } from '../utils/processes';
import { runCommand as run } from '../utils/run-command';
import { createEmptyDatabase, dropTestDatabase } from '../utils/test-database';

/** What the issue asks of a fresh deployment's `migrate`: done, and exited, within 60 s. */
const MIGRATE_DEADLINE_MS = 60_000;
jest.setTimeout(120_000);

const PASSWORD = 'cli-pass-word-1';
import { MIGRATION_COUNT } from '../utils/migrations';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

const cli = (env: Record<string, string>, ...args: string[]) => run('cli', env, args);

describe('CLI (node dist/cli) exit codes', () => {
  const databases: string[] = [];
  let migrated: Record<string, string>;

  async function emptyDatabase(): Promise<Record<string, string>> {
    const url = await createEmptyDatabase();
    databases.push(url);
    return { DATABASE_URL: url, ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1' };
  }

  beforeAll(async () => {
    migrated = await emptyDatabase();
  });

  afterAll(async () => {
    for (const url of databases) await dropTestDatabase(url);
  });

  describe('migration:run', () => {
    it('migrates an empty database with BOOTSTRAP_ADMIN_* set, exits 0 within 60 s, creates no user', async () => {
      const env = {
        ...migrated,
        BOOTSTRAP_ADMIN_EMAIL: 'boot@example.com',
        BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
      };
      const result = await run('cli', env, ['migration:run'], MIGRATE_DEADLINE_MS);
      expect(result).toMatchObject({ code: 0 });
      expect(result.output).toContain(`applied ${MIGRATION_COUNT} migrations`);
      expect(result.ms).toBeLessThan(MIGRATE_DEADLINE_MS);
      const rows = await query<{ n: number }>(
        migrated.DATABASE_URL,
        'SELECT count(*)::int AS n FROM migrations',
      );
      expect(rows[0].n).toBe(MIGRATION_COUNT);
      // The admin is the API's to create, at its start-up, on the migrated schema.
      const users = await query<{ n: number }>(
        migrated.DATABASE_URL,
        'SELECT count(*)::int AS n FROM users',
      );
      expect(users[0].n).toBe(0);
    });

    it('exits 0 with nothing to do on an up-to-date database', async () => {
      const result = await cli(migrated, 'migration:run');
      expect(result).toMatchObject({ code: 0, output: expect.stringContaining('no pending') });
    });

    it('exits 1 when the database cannot be reached', async () => {
      const port = await freePort();
      const result = await cli(
        { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/none` },
        'migration:run',
      );
      expect(result).toMatchObject({ code: 1, output: expect.stringContaining('ECONNREFUSED') });
    });

    it('exits 1 naming the variable when the configuration is invalid', async () => {
      const result = await cli(
        { ...migrated, STORAGE_PROVIDER: 'azure', AZURE_STORAGE_CONNECTION_STRING: 'REPLACE_ME' },
        'migration:run',
      );
      expect(result.code).toBe(1);
      expect(result.output).toMatch(/AZURE_STORAGE_CONNECTION_STRING: must be an Azure Storage/);
    });
  });

  describe('migration:show and migration:revert', () => {
    it('lists every migration, applied or pending, and exits 0', async () => {
      const applied = await cli(migrated, 'migration:show');
      expect(applied.code).toBe(0);
      expect(applied.output.match(/^\[X\] /gm)).toHaveLength(MIGRATION_COUNT);
      expect(applied.output).toContain('[X] CreateOutbox1764000000000');

      const pending = await cli(await emptyDatabase(), 'migration:show'); // a fresh database
      expect(pending.code).toBe(0);
      expect(pending.output.match(/^\[ \] /gm)).toHaveLength(MIGRATION_COUNT);
    });

    it('reverts the last migration (exit 0), and refuses when none was applied (exit 1)', async () => {
      const env = await emptyDatabase();
      expect((await cli(env, 'migration:run')).code).toBe(0);
      const reverted = await cli(env, 'migration:revert');
      expect(reverted).toMatchObject({ code: 0, output: expect.stringContaining('reverted') });
      const shown = await cli(env, 'migration:show');
      expect(shown.output.match(/^\[ \] /gm)).toHaveLength(1);

      const nothing = await cli(await emptyDatabase(), 'migration:revert');
      expect(nothing).toMatchObject({ code: 1, output: expect.stringContaining('nothing') });
    });
  });

  describe('create-admin', () => {
    const admin = (env: Record<string, string>, ...args: string[]) =>
      cli(env, 'create-admin', ...args);

    it('creates an admin who can log in (exit 0)', async () => {
      const result = await admin(migrated, '--email', 'Root@Example.com', '--password', PASSWORD);
      expect(result).toMatchObject({ code: 0, output: expect.stringContaining('created') });
      const rows = await query<{ role: string }>(
        migrated.DATABASE_URL,
        "SELECT role FROM users WHERE lower(email) = 'root@example.com'",
      );
      expect(rows).toEqual([{ role: 'admin' }]);
    });

    it('exits 1 when the email is taken', async () => {
      const result = await admin(migrated, '--email', 'root@example.com', '--password', PASSWORD);
      expect(result).toMatchObject({ code: 1, output: expect.stringContaining('already exists') });
    });

    it('exits 1 without --password', async () => {
      const result = await admin(migrated, '--email', 'other@example.com');
      expect(result).toMatchObject({ code: 1, output: expect.stringContaining('--password') });
    });

    it("applies the API's email and password rules (exit 1, nothing created)", async () => {
      const result = await admin(migrated, '--email', 'not-an-email', '--password', 'x');
      expect(result.code).toBe(1);
      expect(result.output).toMatch(/--email: email must be an email/);
      expect(result.output).toMatch(/--password: password must contain a digit/);
      const weak = await admin(
        migrated,
        '--email',
        'weak@example.com',
        '--password',
        'lettersonly',
      );
      expect(weak).toMatchObject({ code: 1, output: expect.stringContaining('digit') });
      const rows = await query(
        migrated.DATABASE_URL,
        "SELECT 1 FROM users WHERE email LIKE 'weak%'",
      );
      expect(rows).toEqual([]);
    });

    it('exits 1 on a database with pending migrations, saying to run migration:run', async () => {
      const result = await admin(
        await emptyDatabase(),
        '--email',
        'a@example.com',
        '--password',
        PASSWORD,
      );
      expect(result).toMatchObject({ code: 1, output: expect.stringContaining('migration:run') });
    });
  });

  describe('usage', () => {
    it('prints the usage and exits 0 without a command or with --help', async () => {
      for (const args of [[], ['--help']]) {
        const result = await run('cli', {}, args);
        expect(result).toMatchObject({
          code: 0,
          output: expect.stringContaining('migration:show'),
        });
      }
    });

    it('exits 1 on an unknown command or option', async () => {
      const [unknown, option] = await Promise.all([
        run('cli', {}, ['migrate']),
        run('cli', migrated, ['migration:run', '--force']),
      ]);
      expect(unknown.code).toBe(1);
      expect(option.code).toBe(1);
    });
  });

  describe('embedded database port already taken', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lms-cli-port-'));
    const blocker = net.createServer();
    let port: number;

    beforeAll(async () => {
      port = await freePort();
      await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      await new Promise((resolve) => blocker.close(resolve));
      rmSync(dataDir, { recursive: true, force: true });
    });

    it.each<[EntryPoint, string[]]>([
      ['cli', ['migration:show']],
      ['main', []],
    ])('node dist/%s exits 1 naming EMBEDDED_DB_PORT and the port', async (entry, args) => {
      const apiPort = String(await freePort());
      const env = {
        DATA_DIR: dataDir,
        EMBEDDED_DB_PORT: String(port),
        PORT: apiPort,
        LOG_LEVEL: 'warn',
      };
      const result = await run(entry, env, args);
      expect(result.code).toBe(1);
      expect(result.output).toContain(
        `EMBEDDED_DB_PORT: port ${port} on 127.0.0.1 is already in use`,
      );
      expect(result.output).not.toMatch(/undefined|InstanceLoader|\n {4}at /);
    });
  });
});
