import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { pollUntil } from './poll';

const ROOT = join(__dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface NodeProcess {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** The compiled entry points, as `node dist/<entry>` runs them in production. */
export type EntryPoint = 'main' | 'worker' | 'cli' | 'seed/seed';

/**
 * Runs one of the real entry points in a child process from dist/ (built by the e2e global setup
 * when stale), with only the given environment (plus PATH and HOME). `nodeArgs` go before the
 * script (Node/V8 flags such as `--cpu-prof` or `--max-old-space-size=384`).
 */
export function runEntryPoint(
  entry: EntryPoint,
  env: Record<string, string | undefined>,
  args: string[] = [],
  nodeArgs: string[] = [],
): NodeProcess {
  const script = join(ROOT, 'dist', `${entry}.js`);
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return wrap(child);
}

function wrap(child: ChildProcess): NodeProcess {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, output: () => output, exited };
}

/**
 * A command line as a deployment file writes it (`['node', 'dist/cli', 'migration:run']`), run from
 * the repository root (the image's /app) with only the given environment (plus PATH and HOME).
 */
export function runCommandLine(
  argv: string[],
  env: Record<string, string | undefined>,
): NodeProcess {
  const [command, ...args] = argv;
  const child = spawn(command === 'node' ? process.execPath : command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return wrap(child);
}

/**
 * `npm start` as a newcomer runs it, in its own process group (what a terminal, an IDE or
 * `timeout` signals), with only the given environment (plus PATH and HOME).
 */
export function runNpmStart(env: Record<string, string | undefined>): NodeProcess {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return wrap(child);
}

/** Whether any process of the group still exists. */
export function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until GET url answers 200. */
export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  await pollUntil(async () => (await fetch(url)).status === 200, {
    timeoutMs,
    intervalMs: 200,
    what: `${url} to answer`,
  });
}
