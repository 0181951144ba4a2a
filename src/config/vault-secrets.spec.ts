import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { loadVaultSecrets, VAULT_SECRET_KEYS, VaultUnavailableError } from './vault-secrets';

const TOKEN = 'hvs.test-token-7f3a9c2e';
const SECRETS: Record<string, string> = {
  JWT_SECRET: 'jwt-from-vault-5b1d8e0f4a2c',
  DATABASE_URL: 'postgres://lms:vault-db-pass-91ac@db:5432/lms',
  METRICS_TOKEN: 'metrics-from-vault-c04e77',
};
const SENSITIVE = [TOKEN, ...Object.values(SECRETS)];

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];

function listen(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

function close(server: Server): Promise<void> {
  // fetch keeps connections alive and the hanging server never ends its responses.
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Minimal KV v2 read API: token check first (like Vault), then the path lookup. */
async function startFakeVault(
  secretsByPath: Record<string, Record<string, unknown>> = { '/v1/secret/data/lms': SECRETS },
): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const { url } = await listen((req, res) => {
    requests.push(req.url ?? '');
    if (req.method !== 'GET') return sendJson(res, 405, { errors: [] });
    if (req.headers['x-vault-token'] !== TOKEN) {
      return sendJson(res, 403, { errors: ['permission denied'] });
    }
    const data = secretsByPath[req.url ?? ''];
    if (!data) return sendJson(res, 404, { errors: [] });
    sendJson(res, 200, {
      request_id: 'b7e1c7d2',
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: { data, metadata: { created_time: '2024-01-01T00:00:00Z', version: 3 } },
    });
  });
  return { url, requests };
}

async function closedPortUrl(): Promise<string> {
  const { server, url } = await listen(() => undefined);
  await close(server);
  return url;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`, { cause: error });
  }
  throw new Error('expected the promise to reject');
}

function expectNoLeak(message: string | undefined): void {
  expect(message).toBeTruthy();
  for (const value of SENSITIVE) expect(message).not.toContain(value);
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
});

describe('VAULT_SECRET_KEYS', () => {
  it('lists the secrets the app reads', () => {
    expect([...VAULT_SECRET_KEYS].sort()).toEqual(
      [
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
      ].sort(),
    );
  });
});

describe('loadVaultSecrets', () => {
  it.each([{}, { VAULT_ADDR: '' }])('is disabled when VAULT_ADDR is unset (%p)', async (base) => {
    const env: NodeJS.ProcessEnv = { ...base, JWT_SECRET: 'from-env', NODE_ENV: 'production' };
    const before = { ...env };
    const fetchImpl = jest.fn<ReturnType<typeof fetch>, Parameters<typeof fetch>>();

    await expect(loadVaultSecrets(env, { fetchImpl })).resolves.toEqual({
      source: 'disabled',
      loadedKeys: [],
    });
    expect(fetchImpl).not.toHaveBeenCalled();
    expect(env).toEqual(before);
  });

  it('loads the secrets and overrides values already in the environment', async () => {
    const vault = await startFakeVault();
    const env: NodeJS.ProcessEnv = {
      VAULT_ADDR: vault.url,
      VAULT_TOKEN: TOKEN,
      JWT_SECRET: 'jwt-from-env',
      REDIS_URL: 'redis://from-env:6379',
      PORT: '3000',
    };

    const result = await loadVaultSecrets(env);

    expect(result).toEqual({
      source: 'vault',
      loadedKeys: ['DATABASE_URL', 'JWT_SECRET', 'METRICS_TOKEN'],
    });
    expect(result.warning).toBeUndefined();
    expect(env.JWT_SECRET).toBe(SECRETS.JWT_SECRET);
    expect(env.DATABASE_URL).toBe(SECRETS.DATABASE_URL);
    expect(env.METRICS_TOKEN).toBe(SECRETS.METRICS_TOKEN);
    // Keys absent from Vault keep their environment value.
    expect(env.REDIS_URL).toBe('redis://from-env:6379');
    expect(env.PORT).toBe('3000');
    expect(vault.requests).toEqual(['/v1/secret/data/lms']);
  });

  it.each([
    ['default (unset)', undefined, ''],
    ['logical form', 'secret/lms', ''],
    ['API form', 'secret/data/lms', ''],
    ['API form with stray slashes', '/secret/data/lms/', ''],
    ['logical form, VAULT_ADDR with trailing slashes', 'secret/lms', '//'],
  ])('reads /v1/secret/data/lms for the %s path', async (_label, secretPath, addrSuffix) => {
    const vault = await startFakeVault();
    const env: NodeJS.ProcessEnv = { VAULT_ADDR: vault.url + addrSuffix, VAULT_TOKEN: TOKEN };
    if (secretPath !== undefined) env.VAULT_SECRET_PATH = secretPath;

    const result = await loadVaultSecrets(env);

    expect(result.source).toBe('vault');
    expect(vault.requests).toEqual(['/v1/secret/data/lms']);
  });

  it('reads nested paths under another mount', async () => {
    const vault = await startFakeVault({ '/v1/kv/data/apps/lms/prod': { SMTP_URL: 'smtp://x' } });
    const env: NodeJS.ProcessEnv = {
      VAULT_ADDR: vault.url,
      VAULT_TOKEN: TOKEN,
      VAULT_SECRET_PATH: 'kv/apps/lms/prod',
    };

    await expect(loadVaultSecrets(env)).resolves.toEqual({
      source: 'vault',
      loadedKeys: ['SMTP_URL'],
    });
    expect(env.SMTP_URL).toBe('smtp://x');
  });

  it('ignores unknown keys, empty strings and non-string values', async () => {
    const vault = await startFakeVault({
      '/v1/secret/data/lms': {
        JWT_SECRET: SECRETS.JWT_SECRET,
        UNRELATED_KEY: 'should-not-be-copied',
        NODE_ENV: 'development',
        SENTRY_DSN: '',
        METRICS_TOKEN: 12345,
        REDIS_URL: null,
      },
    });
    const env: NodeJS.ProcessEnv = {
      VAULT_ADDR: vault.url,
      VAULT_TOKEN: TOKEN,
      NODE_ENV: 'production',
      SENTRY_DSN: 'https://key@sentry.example/1',
    };

    const result = await loadVaultSecrets(env);

    expect(result).toEqual({ source: 'vault', loadedKeys: ['JWT_SECRET'] });
    expect(env).toEqual({
      VAULT_ADDR: vault.url,
      VAULT_TOKEN: TOKEN,
      NODE_ENV: 'production',
      SENTRY_DSN: 'https://key@sentry.example/1',
      JWT_SECRET: SECRETS.JWT_SECRET,
    });
  });

  describe('outside production', () => {
    it('warns and leaves the environment untouched on a wrong token', async () => {
      const vault = await startFakeVault();
      const env: NodeJS.ProcessEnv = {
        NODE_ENV: 'development',
        VAULT_ADDR: vault.url,
        VAULT_TOKEN: 'hvs.wrong-token-000',
        JWT_SECRET: 'jwt-from-env',
      };
      const before = { ...env };

      const result = await loadVaultSecrets(env);

      expect(result.source).toBe('environment');
      expect(result.loadedKeys).toEqual([]);
      expect(result.warning).toContain('HTTP 403');
      expect(result.warning).toContain(`VAULT_ADDR=${vault.url}`);
      expect(result.warning).toContain('VAULT_SECRET_PATH=secret/lms');
      expect(result.warning).not.toContain('hvs.wrong-token-000');
      expectNoLeak(result.warning);
      expect(env).toEqual(before);
      expect(vault.requests).toEqual(['/v1/secret/data/lms']);
    });

    it('warns with HTTP 404 on an unknown path', async () => {
      const vault = await startFakeVault();
      const env: NodeJS.ProcessEnv = {
        VAULT_ADDR: vault.url,
        VAULT_TOKEN: TOKEN,
        VAULT_SECRET_PATH: 'secret/missing',
      };

      const result = await loadVaultSecrets(env);

      expect(result.source).toBe('environment');
      expect(result.warning).toContain('HTTP 404');
      expect(result.warning).toContain('VAULT_SECRET_PATH=secret/missing');
      expect(vault.requests).toEqual(['/v1/secret/data/missing']);
    });
  });

  describe('in production', () => {
    it('throws VaultUnavailableError on a wrong token', async () => {
      const vault = await startFakeVault();
      const env: NodeJS.ProcessEnv = {
        NODE_ENV: 'production',
        VAULT_ADDR: vault.url,
        VAULT_TOKEN: 'hvs.wrong-token-000',
      };

      const error = await rejection(loadVaultSecrets(env));

      expect(error).toBeInstanceOf(VaultUnavailableError);
      expect(error.name).toBe('VaultUnavailableError');
      expect(error.message).toContain('HTTP 403');
      expect(error.message).toContain(`VAULT_ADDR=${vault.url}`);
      expect(error.message).toContain('VAULT_SECRET_PATH=secret/lms');
      expect(error.message).not.toContain('hvs.wrong-token-000');
      expectNoLeak(error.message);
    });

    it('throws VaultUnavailableError when the server is down', async () => {
      const url = await closedPortUrl();
      const env: NodeJS.ProcessEnv = {
        NODE_ENV: 'production',
        VAULT_ADDR: url,
        VAULT_TOKEN: TOKEN,
      };

      const error = await rejection(loadVaultSecrets(env));

      expect(error).toBeInstanceOf(VaultUnavailableError);
      expect(error.message).toContain('ECONNREFUSED');
      expect(error.message).toContain(`VAULT_ADDR=${url}`);
      expectNoLeak(error.message);
    });

    it('throws VaultUnavailableError when the server never answers', async () => {
      let received!: () => void;
      const requestReceived = new Promise<void>((resolve) => (received = resolve));
      const { url } = await listen(() => received());
      const env: NodeJS.ProcessEnv = {
        NODE_ENV: 'production',
        VAULT_ADDR: url,
        VAULT_TOKEN: TOKEN,
      };

      const error = await rejection(loadVaultSecrets(env, { timeoutMs: 200 }));

      await requestReceived;
      expect(error).toBeInstanceOf(VaultUnavailableError);
      expect(error.message).toContain('timed out after 200 ms');
      expectNoLeak(error.message);
    });

    it('throws VaultUnavailableError when VAULT_TOKEN is missing, without calling Vault', async () => {
      const vault = await startFakeVault();
      const env: NodeJS.ProcessEnv = { NODE_ENV: 'production', VAULT_ADDR: vault.url };

      const error = await rejection(loadVaultSecrets(env));

      expect(error).toBeInstanceOf(VaultUnavailableError);
      expect(error.message).toContain('VAULT_TOKEN is not set');
      expect(vault.requests).toEqual([]);
    });

    it.each([
      ['not JSON', 'text/plain', 'definitely not json'],
      // A KV v1 mount answers with the secrets directly under `data`; the values must not leak.
      ['KV v1 shaped', 'application/json', JSON.stringify({ data: SECRETS })],
    ])('throws VaultUnavailableError on a %s body', async (_label, contentType, body) => {
      const { url } = await listen((_req, res) => {
        res.writeHead(200, { 'Content-Type': contentType });
        res.end(body);
      });
      const env: NodeJS.ProcessEnv = {
        NODE_ENV: 'production',
        VAULT_ADDR: url,
        VAULT_TOKEN: TOKEN,
      };

      const error = await rejection(loadVaultSecrets(env));

      expect(error).toBeInstanceOf(VaultUnavailableError);
      expect(error.message).toContain('malformed response body');
      expectNoLeak(error.message);
      expect(env.JWT_SECRET).toBeUndefined();
    });

    it('does not leak credentials embedded in VAULT_ADDR', async () => {
      const url = await closedPortUrl();
      const env: NodeJS.ProcessEnv = {
        NODE_ENV: 'production',
        VAULT_ADDR: url.replace('http://', 'http://user:addr-pass-55aa@'),
        VAULT_TOKEN: TOKEN,
      };

      const error = await rejection(loadVaultSecrets(env));

      expect(error).toBeInstanceOf(VaultUnavailableError);
      expect(error.message).not.toContain('addr-pass-55aa');
      expectNoLeak(error.message);
    });
  });
});
