import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Node flags the production image starts the API with (the Dockerfile's `NODE_OPTIONS`, which
 * the Kubernetes manifests repeat): benchmarks run the API as it is deployed unless
 * `--node-flags=...` says otherwise (`--node-flags=` for none).
 */
export function deploymentNodeFlags(): string[] {
  const dockerfile = readFileSync(join(__dirname, '..', '..', 'Dockerfile'), 'utf8');
  const match = /NODE_OPTIONS=(\S+(?: --\S+)*)/.exec(dockerfile);
  if (!match) throw new Error('the Dockerfile sets no NODE_OPTIONS');
  return match[1].split(/\s+/);
}

/** `--node-flags` as given (split on spaces), or the deployment's when absent. */
export function apiNodeFlags(option: string | undefined): string[] {
  return option === undefined ? deploymentNodeFlags() : option.split(/\s+/).filter(Boolean);
}
