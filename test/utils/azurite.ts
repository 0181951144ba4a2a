import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The documented Azurite development account (public, not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const BINARY = join(__dirname, '..', '..', 'node_modules', '.bin', 'azurite-blob');
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const START_ATTEMPTS = 3;

export interface Azurite {
  /** For AZURE_STORAGE_CONNECTION_STRING. */
  connectionString: string;
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  blobEndpoint: string;
  /** Kills the process and waits until it has exited. */
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the OS picks it). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** True once Azurite itself answers HTTP on the port (its `Server` header names it). */
async function answers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/${AZURITE_ACCOUNT}?comp=list`, {
      signal: AbortSignal.timeout(1_000),
    });
    await res.arrayBuffer();
    return (res.headers.get('server') ?? '').startsWith('Azurite');
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Starts the process and resolves once its port answers; rejects if it exits first or hangs. */
async function startOnce(port: number): Promise<ChildProcess> {
  const child = spawn(
    BINARY,
    [
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(port),
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--silent',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exit: string | undefined;
  child.once('exit', (code, signal) => {
    exit = `exited (code ${code}, signal ${signal})`;
  });
  child.once('error', (error) => {
    exit = `failed to start: ${error.message}`;
  });

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exit) throw new Error(`azurite-blob ${exit}: ${output.trim()}`);
    if (await answers(port)) return child;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`azurite-blob did not answer on port ${port} within ${START_TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A real Azurite blob service in a child process, in memory, on a free loopback port. Call
 * `stop()` in afterAll.
 */
export async function startAzurite(): Promise<Azurite> {
  let lastError: unknown;
  // The port can be taken between choosing it and Azurite binding it: try another one then.
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const port = await freePort();
    try {
      const child = await startOnce(port);
      // Never leave the service behind if the test process ends without calling stop().
      const killOnExit = () => child.kill('SIGKILL');
      process.once('exit', killOnExit);
      const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
      return {
        blobEndpoint,
        connectionString:
          `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};` +
          `AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};`,
        stop: async () => {
          await stopChild(child);
          process.off('exit', killOnExit);
        },
      };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
