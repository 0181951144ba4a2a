import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { pollUntil } from '../utils/poll';
import { MIGRATION_COUNT } from '../utils/migrations';
import {
  freePort,
  NodeProcess,
  portOpen,
  processGroupAlive,
  runEntryPoint,
  runNpmStart,
} from '../utils/processes';

/** dist/ is fresh (global setup), so no compile: initdb + migrations + boot, slower when busy. */
const READY_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 30_000;
const COMMAND_DEADLINE_MS = 30_000;
jest.setTimeout(3 * READY_DEADLINE_MS + 3 * STOP_DEADLINE_MS);

const PASSWORD = 'newcomer-pass-1';

/**
 * `npm start` as a newcomer runs it, without DATABASE_URL: the whole tree (npm, the launcher, the
 * API, the embedded PostgreSQL) stops on SIGTERM, the next start finds the data again, the CLI and
 * the seed work beside the running API, and a server left behind by a killed API is taken over.
 */
describe('npm start (embedded database)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lms-npm-start-'));
  const started: NodeProcess[] = [];
  let apiPort: number;
  let dbPort: number;
  let env: Record<string, string>;

  beforeAll(async () => {
    apiPort = await freePort();
    dbPort = await freePort();
    env = {
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      PORT: String(apiPort),
      DATA_DIR: dataDir,
      EMBEDDED_DB_PORT: String(dbPort),
      ARGON2_MEMORY_COST: '1024',
      ARGON2_TIME_COST: '1',
    };
  });

  afterAll(async () => {
    for (const npm of started) {
      if (npm.child.pid && processGroupAlive(npm.child.pid))
        process.kill(-npm.child.pid, 'SIGKILL');
    }
    const leftover = readOwnerPid();
    if (leftover) process.kill(leftover, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  function readOwnerPid(): number | undefined {
    try {
      return Number(readFileSync(join(dataDir, '.postgres-owner'), 'utf8'));
    } catch {
      return undefined;
    }
  }

  const api = (path: string) => `http://127.0.0.1:${apiPort}${path}`;

  async function start(): Promise<NodeProcess> {
    const npm = runNpmStart(env);
    started.push(npm);
    await pollUntil(
      async () => {
        if (npm.child.exitCode !== null) {
          throw new Error(`npm start exited with ${npm.child.exitCode}:\n${npm.output()}`);
        }
        const res = await fetch(api('/api/v1/ready')).catch(() => null);
        return res?.status === 200;
      },
      { timeoutMs: READY_DEADLINE_MS, intervalMs: 200, what: 'npm start to be ready' },
    );
    return npm;
  }

  async function expectAllStopped(npm: NodeProcess): Promise<void> {
    const pgid = npm.child.pid!;
    await pollUntil(() => !processGroupAlive(pgid), {
      timeoutMs: STOP_DEADLINE_MS,
      what: `every process of npm start's group to exit:\n${npm.output()}`,
    });
    expect(await portOpen(apiPort)).toBe(false);
    expect(await portOpen(dbPort)).toBe(false);
  }

  async function login(email: string): Promise<number> {
    const res = await fetch(api('/api/v1/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    return res.status;
  }

  async function runCommand(
    entry: 'cli' | 'seed/seed',
    args: string[],
  ): Promise<{ code: number | null; output: string }> {
    const command = runEntryPoint(entry, env, args);
    const code = await Promise.race([
      command.exited,
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`${entry} ${args.join(' ')} did not exit:\n${command.output()}`)),
          COMMAND_DEADLINE_MS,
        ).unref(),
      ),
    ]);
    return { code, output: command.output() };
  }

  /**
   * In development the API's lines go through pino-pretty's worker thread, so they may reach
   * stdout a moment after `/ready` answers: wait for a line rather than read the output once.
   */
  async function waitForLine(
    npm: NodeProcess,
    line: RegExp | string,
    what: string,
  ): Promise<string> {
    const matches = (output: string) =>
      typeof line === 'string' ? output.includes(line) : line.test(output);
    return pollUntil(
      () => {
        const output = stripVTControlCharacters(npm.output());
        return matches(output) && output;
      },
      { what: `${what} in the output of npm start:\n${npm.output()}` },
    );
  }

  it('starts with readable logs, and the CLI and the seed work beside the running API', async () => {
    const npm = await start();
    const output = await waitForLine(npm, `applied ${MIGRATION_COUNT} migrations`, 'migrations');
    expect(output).toMatch(/dist\/ is up to date|compiling TypeScript into dist\//);
    expect(output).not.toMatch(/Mapped \{|InstanceLoader/);

    const register = await fetch(api('/api/v1/auth/register'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'npm-start-register' },
      body: JSON.stringify({ email: 'ada@example.com', password: PASSWORD, fullName: 'Ada' }),
    });
    expect(register.status).toBe(201);
    // One line per response, with the request id (read without the colour codes).
    await waitForLine(
      npm,
      /POST \/api\/v1\/auth\/register 201 \d+ ms \[npm-start-register\]/,
      'the one-line request log',
    );

    const admin = await runCommand('cli', [
      'create-admin',
      '--email',
      'root@example.com',
      '--password',
      PASSWORD,
    ]);
    expect(admin).toMatchObject({
      code: 0,
      output: expect.stringContaining('admin root@example.com created'),
    });
    expect(await login('root@example.com')).toBe(200);

    const seed = await runCommand('seed/seed', ['--profile', 'demo']);
    expect(seed.code).toBe(1);
    expect(seed.output).toMatch(/not empty[\s\S]*DATA_DIR=/);
  });

  it('stops npm, the API and the embedded PostgreSQL on SIGTERM to its process group', async () => {
    const npm = started[0];
    process.kill(-npm.child.pid!, 'SIGTERM');
    await expectAllStopped(npm);
  });

  it('finds the data again on the next start', async () => {
    await start();
    expect(await login('ada@example.com')).toBe(200);
  });

  it('takes over from a killed API: stops the server it left and starts afresh', async () => {
    const npm = started[1];
    const apiPid = readOwnerPid()!;
    process.kill(apiPid, 'SIGKILL');
    // The embedded PostgreSQL outlives its API: the leftover a newcomer would trip over.
    await pollUntil(() => npm.child.exitCode !== null, { what: 'npm start to end with its API' });
    expect(await portOpen(dbPort)).toBe(true);

    const next = await start();
    await waitForLine(next, 'stopping a leftover embedded PostgreSQL', 'the takeover');
    expect(await login('ada@example.com')).toBe(200);

    // What an IDE or a supervisor does: SIGTERM to npm alone, not to its group.
    process.kill(next.child.pid!, 'SIGTERM');
    await expectAllStopped(next);
  });
});
