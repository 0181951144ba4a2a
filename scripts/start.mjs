#!/usr/bin/env node
// `npm start`: checks the Node version, compiles into dist/ when the sources changed (saying so),
// then runs the API (node dist/main) as its only child. SIGTERM, SIGINT or SIGHUP, and the end of
// the parent process (an IDE or supervisor that stops npm), are passed to the API, which drains and
// stops its embedded PostgreSQL; this process exits with the API's exit code. Nothing is left
// running on the ports. Written for any Node version, so that an old one gets a clear message.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { distIsFresh, ROOT } from './dist-freshness.mjs';

const MINIMUM = [20, 19];
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
  console.error(
    `Node.js ${MINIMUM.join('.')} or newer is required, this is ${process.version}. ` +
      'Install a current Node 20 or 22 (e.g. `nvm install 20`) and run `npm start` again.',
  );
  process.exit(1);
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'];
const EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
let child;
let stopping;

function stop(signal) {
  stopping ??= signal;
  if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
  else process.exit(EXIT_CODES[signal] ?? 1);
}
for (const signal of SIGNALS) process.on(signal, () => stop(signal));

// A parent that dies without passing the signal on (npm killed, a shell without `exec`) leaves this
// process to init: stop the API then too, instead of keeping its ports.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop('SIGTERM');
}, 500).unref();

function run(command, args) {
  child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? EXIT_CODES[signal] ?? 1));
  });
}

if (distIsFresh()) {
  console.log('dist/ is up to date with src/: starting the API');
} else {
  console.log('compiling TypeScript into dist/ (nest build; 10-30 s) ...');
  const started = Date.now();
  const nest = join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js');
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const built = await run(process.execPath, [nest, 'build']);
  if (built !== 0 || stopping) process.exit(stopping ? EXIT_CODES[stopping] : built);
  const migrations = await run(process.execPath, [tsc, '-p', 'tsconfig.migrations.json']);
  if (migrations !== 0 || stopping) process.exit(stopping ? EXIT_CODES[stopping] : migrations);
  console.log(`compiled in ${((Date.now() - started) / 1000).toFixed(1)} s: starting the API`);
}
if (stopping) process.exit(EXIT_CODES[stopping]);
process.exit(await run(process.execPath, ['--enable-source-maps', join(ROOT, 'dist', 'main.js')]));
