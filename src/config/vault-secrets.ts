/**
 * Optional start-up step that pulls secrets from HashiCorp Vault (KV v2, token auth) into the
 * environment before configuration is validated, so the rest of the app keeps reading plain
 * environment variables and never needs to know where a secret came from.
 */

export const VAULT_SECRET_KEYS: readonly string[] = Object.freeze([
  'JWT_SECRET',
  'DATA_ENCRYPTION_KEY',
  'DATABASE_URL',
  'REDIS_URL',
  'SMTP_URL',
  'AZURE_STORAGE_CONNECTION_STRING',
  'SENTRY_DSN',
  'METRICS_TOKEN',
  'BOOTSTRAP_ADMIN_PASSWORD',
  'CREDENTIAL_SIGNING_KEY',
  'XAPI_LRS_PASSWORD',
]);

const DEFAULT_SECRET_PATH = 'secret/lms';
const DEFAULT_TIMEOUT_MS = 5000;

export class VaultUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultUnavailableError';
  }
}

export interface VaultLoadResult {
  source: 'disabled' | 'vault' | 'environment';
  loadedKeys: string[];
  warning?: string;
}

export interface VaultLoadOptions {
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

/** Internal failure carrying only a reason that is safe to log (no token, no secret values). */
class VaultReadFailure extends Error {}

type JsonRecord = Record<string, unknown>;

const isObject = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null;

const isRecord = (value: unknown): value is JsonRecord => isObject(value) && !Array.isArray(value);

/** Checked up front because fetch's own errors for these cases are opaque TypeErrors. */
function assertUsableAddr(vaultAddr: string): void {
  let url: URL;
  try {
    url = new URL(vaultAddr);
  } catch {
    throw new VaultReadFailure('VAULT_ADDR is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new VaultReadFailure('VAULT_ADDR must be an http:// or https:// URL');
  }
  if (url.username || url.password) {
    throw new VaultReadFailure('VAULT_ADDR must not contain credentials; use VAULT_TOKEN');
  }
}

/**
 * Accepts both the logical KV path (`secret/lms`) and the API path (`secret/data/lms`) because
 * operators copy either from the Vault UI/CLI; the API always needs exactly one `data/` segment.
 */
function buildSecretUrl(vaultAddr: string, secretPath: string): string {
  assertUsableAddr(vaultAddr);
  const segments = secretPath.split('/').filter((segment) => segment !== '');
  const [mount, ...rest] = segments;
  const path = rest[0] === 'data' ? rest.slice(1) : rest;
  if (!mount || path.length === 0) {
    throw new VaultReadFailure('VAULT_SECRET_PATH must look like <mount>/<path>');
  }
  const encoded = [mount, 'data', ...path].map(encodeURIComponent).join('/');
  return `${vaultAddr.replace(/\/+$/, '')}/v1/${encoded}`;
}

/** Drops any userinfo so a credential embedded in VAULT_ADDR cannot leak into logs. */
function describeAddr(vaultAddr: string): string {
  try {
    const url = new URL(vaultAddr);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return '<invalid URL>';
  }
}

/**
 * Network errors from undici hide the useful part (ECONNREFUSED, ENOTFOUND...) in `cause`.
 * Checked structurally, not with instanceof, because undici's errors may come from another realm.
 */
function describeNetworkError(error: unknown): string {
  const cause = isObject(error) ? error.cause : undefined;
  if (isObject(cause) && typeof cause.code === 'string') return `network error (${cause.code})`;
  const name = isObject(error) && typeof error.name === 'string' ? error.name : 'unknown error';
  return `network error (${name})`;
}

async function fetchSecretBody(
  url: string,
  token: string,
  timeoutMs: number,
  fetchImpl: typeof fetch,
): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchImpl(url, {
      method: 'GET',
      headers: { 'X-Vault-Token': token, Accept: 'application/json' },
      signal: controller.signal,
    });
    if (!response.ok) {
      // Release the connection; the error body is not needed and may echo request details.
      await response.body?.cancel().catch(() => undefined);
      throw new VaultReadFailure(`HTTP ${response.status}`);
    }
    // The body read stays under the same timeout: a server can stall after sending headers.
    return await response.json().catch((error: unknown) => {
      if (controller.signal.aborted) throw error;
      throw new VaultReadFailure('malformed response body (not JSON)');
    });
  } catch (error) {
    if (error instanceof VaultReadFailure) throw error;
    if (controller.signal.aborted) throw new VaultReadFailure(`timed out after ${timeoutMs} ms`);
    throw new VaultReadFailure(describeNetworkError(error));
  } finally {
    clearTimeout(timer);
  }
}

function extractSecretData(body: unknown): JsonRecord {
  if (isRecord(body) && isRecord(body.data) && isRecord(body.data.data)) return body.data.data;
  throw new VaultReadFailure('malformed response body (expected KV v2 data.data object)');
}

/** Vault wins over the environment so rotating a secret in Vault takes effect on restart. */
function applySecrets(env: NodeJS.ProcessEnv, secrets: JsonRecord): string[] {
  const loaded: string[] = [];
  for (const key of VAULT_SECRET_KEYS) {
    const value = secrets[key];
    if (typeof value === 'string' && value !== '') {
      env[key] = value;
      loaded.push(key);
    }
  }
  return loaded.sort();
}

function failureMessage(env: NodeJS.ProcessEnv, secretPath: string, reason: string): string {
  const addr = describeAddr(env.VAULT_ADDR ?? '');
  const message = `Could not read secrets from Vault (VAULT_ADDR=${addr}, VAULT_SECRET_PATH=${secretPath}): ${reason}`;
  // Belt and braces: a reason must never carry the token, even if a library echoed it.
  const token = env.VAULT_TOKEN;
  return token ? message.split(token).join('[redacted]') : message;
}

/**
 * Loads the known secrets from Vault into `env` when VAULT_ADDR is set. Outside production a
 * failure only degrades to the plain environment (with a warning) so local setups keep working;
 * in production it throws, because silently starting with missing or stale secrets is worse.
 */
export async function loadVaultSecrets(
  env: NodeJS.ProcessEnv = process.env,
  options: VaultLoadOptions = {},
): Promise<VaultLoadResult> {
  const vaultAddr = env.VAULT_ADDR?.trim();
  if (!vaultAddr) return { source: 'disabled', loadedKeys: [] };

  const secretPath = env.VAULT_SECRET_PATH?.trim() || DEFAULT_SECRET_PATH;
  try {
    const token = env.VAULT_TOKEN;
    if (!token) throw new VaultReadFailure('VAULT_TOKEN is not set');
    const url = buildSecretUrl(vaultAddr, secretPath);
    const body = await fetchSecretBody(
      url,
      token,
      options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      options.fetchImpl ?? fetch,
    );
    const loadedKeys = applySecrets(env, extractSecretData(body));
    return { source: 'vault', loadedKeys };
  } catch (error) {
    if (!(error instanceof VaultReadFailure)) throw error;
    const message = failureMessage(env, secretPath, error.message);
    if (env.NODE_ENV === 'production') throw new VaultUnavailableError(message);
    return { source: 'environment', loadedKeys: [], warning: message };
  }
}
