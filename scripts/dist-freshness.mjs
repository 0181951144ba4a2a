// Whether dist/ is older than what it is built from. Shared by `npm start` (scripts/start.mjs),
// which skips the 10-30 s compile when nothing changed, and the e2e global setup
// (test/ensure-build.mjs), which builds dist/ for the tests that run the real entry points.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
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

export function distIsFresh() {
  if (!existsSync(STAMP)) return false;
  const sourcesChanged = Math.max(
    ...SOURCES.map((source) => join(ROOT, source))
      .filter(existsSync)
      .map(newestMtime),
  );
  return statSync(STAMP).mtimeMs >= sourcesChanged;
}
