// The tests that run the real entry points (API, worker, CLI, seed) start them from dist/, as
// production and the Dockerfile do: compiling with ts-node inside a test costs 10-30 s on a busy
// machine. Builds dist/ once when it is missing or older than any source, migration or template.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const SOURCES = ['src', 'migrations', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];
const STAMP = join(ROOT, 'dist', 'main.js');

function newestMtime(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry.endsWith('.spec.ts')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

export function ensureBuild() {
  const sourcesChanged = Math.max(
    ...SOURCES.map((source) => join(ROOT, source))
      .filter(existsSync)
      .map(newestMtime),
  );
  if (existsSync(STAMP) && statSync(STAMP).mtimeMs >= sourcesChanged) return;
  process.stdout.write('\nbuilding dist/ for the tests that run the real entry points...\n');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status})`);
}
