import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadVaultSecrets, VaultLoadResult } from './vault-secrets';

/**
 * Runs before any module is loaded: reads `.env` (real environment variables win), then Vault
 * secrets (which win over both), so that configuration is validated once, on the final values.
 */
export async function prepareEnvironment(): Promise<VaultLoadResult> {
  const envFile = resolve(process.cwd(), '.env');
  if (process.env.NODE_ENV !== 'test' && existsSync(envFile)) process.loadEnvFile(envFile);
  return loadVaultSecrets(process.env);
}
