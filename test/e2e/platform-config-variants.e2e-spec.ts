import { randomUUID } from 'node:crypto';
import { ProbeModule } from '../utils/probe.module';
import { createTestApp, TestApp } from '../utils/test-app';

describe('RESPONSE_ENVELOPE_ENABLED=false', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ RESPONSE_ENVELOPE_ENABLED: 'false' }, { imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  it('answers liveness with the bare payload', async () => {
    const res = await t.http.get('/api/v1/health').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers readiness with the bare payload', async () => {
    const res = await t.http.get('/api/v1/ready').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up', redis: 'up' });
  });

  it('answers a single resource with the bare payload', async () => {
    const id = randomUUID();
    const res = await t.http.get(`/api/v1/probe/items/${id}`).expect(200);
    expect(res.body).toEqual({ id });
  });

  it('answers lists with {data, meta} only', async () => {
    const res = await t.http.get('/api/v1/probe/items?page=3&pageSize=20').expect(200);
    expect(res.body).toEqual({
      data: [1, 2, 3, 4, 5].map((i) => ({ n: 40 + i })),
      meta: { page: 3, pageSize: 20, total: 45, totalPages: 3 },
    });
  });

  it('still answers errors with the error envelope', async () => {
    const notFound = await t.http
      .get('/api/v1/does-not-exist')
      .set('X-Request-ID', 'bare-404')
      .expect(404);
    expect(notFound.body).toEqual({
      success: false,
      message: expect.any(String),
      error: { code: 'NOT_FOUND', details: [] },
      requestId: 'bare-404',
    });

    const conflict = await t.http.get('/api/v1/probe/conflict').expect(409);
    expect(conflict.body).toEqual({
      success: false,
      message: 'Slug already taken',
      error: { code: 'CONFLICT', details: [] },
      requestId: conflict.headers['x-request-id'],
    });

    const invalid = await t.http.get('/api/v1/probe/items/not-a-uuid').expect(422);
    expect(invalid.body).toEqual({
      success: false,
      message: expect.any(String),
      error: { code: 'VALIDATION_ERROR', details: [{ field: 'id', message: 'id must be a UUID' }] },
      requestId: invalid.headers['x-request-id'],
    });
  });
});

describe('TRUSTED_HOSTS=api.example.com', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ TRUSTED_HOSTS: 'api.example.com' }, { imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  it.each(['evil.example', 'api.example.com.evil.example', 'evil.example:443'])(
    'refuses Host: %s with 400 BAD_REQUEST and the error envelope',
    async (host) => {
      const res = await t.http
        .get('/api/v1/probe/items')
        .set('Host', host)
        .set('X-Request-ID', 'host-400')
        .expect(400);
      expect(res.body).toEqual({
        success: false,
        message: expect.any(String),
        error: { code: 'BAD_REQUEST', details: expect.any(Array) },
        requestId: 'host-400',
      });
      expect(res.headers['x-request-id']).toBe('host-400');
    },
  );

  it('refuses an untrusted Host on API paths, unknown routes included', async () => {
    await t.http.get('/api/v1/probe/items').set('Host', 'evil.example').expect(400);
    const res = await t.http.get('/api/v1/nothing-here').set('Host', 'evil.example').expect(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
  });

  it('lets probes and scrapes through whatever their Host (they address the pod by IP)', async () => {
    await t.http.get('/api/v1/health').set('Host', '10.1.2.3:8000').expect(200);
    await t.http.get('/api/v1/ready').set('Host', '10.1.2.3:8000').expect(200);
    await t.http.get('/metrics').set('Host', '10.1.2.3:8000').expect(200);
  });

  it.each(['api.example.com', 'api.example.com:8000', 'API.Example.com'])(
    'serves Host: %s',
    async (host) => {
      const res = await t.http.get('/api/v1/health').set('Host', host).expect(200);
      expect(res.body.data).toEqual({ status: 'ok' });
    },
  );
});

describe('CORS_ORIGINS=https://app.example.com', () => {
  const allowed = 'https://app.example.com';
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ CORS_ORIGINS: allowed }, { imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  it('answers a preflight from the configured origin', async () => {
    const res = await t.http
      .options('/api/v1/probe/items')
      .set('Origin', allowed)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,authorization');
    expect(res.status).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(300);
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
    expect(res.headers['access-control-allow-methods']).toMatch(/POST/);
  });

  it('allows a request from the configured origin and exposes X-Request-ID', async () => {
    const res = await t.http.get('/api/v1/health').set('Origin', allowed).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
    const exposed = String(res.headers['access-control-expose-headers']).toLowerCase();
    expect(exposed.split(/\s*,\s*/)).toEqual(
      expect.arrayContaining(['x-request-id', 'x-ratelimit-limit', 'retry-after']),
    );
  });

  it('sends no allow-origin header to another origin, on requests and preflights', async () => {
    const res = await t.http.get('/api/v1/health').set('Origin', 'https://evil.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t.http
      .options('/api/v1/probe/items')
      .set('Origin', 'https://app.example.com.evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('API docs enabled (default outside production)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({}, { imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  it('serves the OpenAPI 3 document at /docs-json with a bearer security scheme', async () => {
    const res = await t.http.get('/docs-json').expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.success).toBeUndefined();
    expect(res.body.components.securitySchemes.bearer).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/health', '/api/v1/ready']),
    );
  });

  it('serves the Swagger UI at /docs', async () => {
    const res = await t.http.get('/docs').redirects(1).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toMatch(/swagger/i);
  });
});

describe('API_DOCS_ENABLED=false', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ API_DOCS_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  it('answers /docs-json and /docs with 404', async () => {
    const json = await t.http.get('/docs-json').expect(404);
    expect(json.body.error.code).toBe('NOT_FOUND');
    expect(json.text).not.toContain('openapi');
    await t.http.get('/docs').expect(404);
  });
});

describe('API docs in production', () => {
  const production = {
    NODE_ENV: 'production',
    JWT_SECRET: 'production-test-secret-0123456789abcdefghijklmnop',
    DATA_ENCRYPTION_KEY: 'production-test-data-key-ZYXWVUTSRQPONMLKJIHGFEDCBA',
    METRICS_TOKEN: 'production-test-metrics-token',
    JOBS_INLINE: 'false',
  };
  let off: TestApp;
  let on: TestApp;

  beforeAll(async () => {
    off = await createTestApp(production);
    on = await createTestApp({ ...production, API_DOCS_ENABLED: 'true' });
  });
  afterAll(async () => {
    await on.close();
    await off.close();
  });

  it('answers /docs-json with 404 by default', async () => {
    expect(off.env.REDIS_URL).toBeTruthy();
    const res = await off.http.get('/docs-json').expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    await off.http.get('/api/v1/health').expect(200);
  });

  it('serves /docs-json when API_DOCS_ENABLED=true', async () => {
    const res = await on.http.get('/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
  });
});
