import { dockerNodeOptions } from '../../test/utils/deploy-files';

/**
 * `--node-flags` as given (split on spaces), or, when absent, the flags the production image
 * starts the API with (the Dockerfile's `NODE_OPTIONS`, which the Kubernetes manifests repeat):
 * benchmarks run the API as it is deployed unless told otherwise (`--node-flags=` for none).
 */
export function apiNodeFlags(option: string | undefined): string[] {
  return option === undefined ? dockerNodeOptions() : option.split(/\s+/).filter(Boolean);
}
