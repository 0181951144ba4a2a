// The tests that run the real entry points (API, worker, CLI, seed) start them from dist/, as
// production and the Dockerfile do: compiling with ts-node inside a test costs 10-30 s on a busy
// machine. Builds dist/ once when it is missing or older than any source, migration or template.
import { spawnSync } from 'node:child_process';
import { distIsFresh, ROOT } from '../scripts/dist-freshness.mjs';

export function ensureBuild() {
  if (distIsFresh()) return;
  process.stdout.write('\nbuilding dist/ for the tests that run the real entry points...\n');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status})`);
}
