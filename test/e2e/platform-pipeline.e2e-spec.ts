import { randomUUID } from 'node:crypto';
import { ProbeModule } from '../utils/probe.module';
import { createTestApp, TestApp } from '../utils/test-app';

describe('HTTP pipeline', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({}, { imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  it('answers liveness inside the envelope', async () => {
    const res = await t.http.get('/api/v1/health').expect(200);
    expect(res.body).toEqual({ success: true, message: 'OK', data: { status: 'ok' } });
  });

  it('reports readiness of the database and Redis', async () => {
    const res = await t.http.get('/api/v1/ready').expect(200);
    expect(res.body.data).toEqual({
      status: 'ok',
      database: 'up',
      redis: t.env.REDIS_URL ? 'up' : 'disabled',
    });
  });

  it('echoes a sane X-Request-ID and replaces an unsafe one', async () => {
    const echoed = await t.http.get('/api/v1/health').set('X-Request-ID', 'abc-123.x:y_z');
    expect(echoed.headers['x-request-id']).toBe('abc-123.x:y_z');
    const replaced = await t.http.get('/api/v1/health').set('X-Request-ID', 'bad id <script>');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const generated = await t.http.get('/api/v1/health');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('wraps paginated lists with meta', async () => {
    const res = await t.http.get('/api/v1/probe/items?page=3&pageSize=20').expect(200);
    expect(res.body.success).toBe(true);
    expect(res.body.data).toHaveLength(5);
    expect(res.body.data[0]).toEqual({ n: 41 });
    expect(res.body.meta).toEqual({ page: 3, pageSize: 20, total: 45, totalPages: 3 });
  });

  it.each([
    ['page=0', 'page'],
    ['pageSize=101', 'pageSize'],
    ['page=abc', 'page'],
    ['sort=password', 'sort'],
  ])('rejects the list query %s with 422 naming %s', async (query, field) => {
    const res = await t.http.get(`/api/v1/probe/items?${query}`).expect(422);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('accepts a documented sort field with a minus for descending', async () => {
    await t.http.get('/api/v1/probe/items?sort=-title').expect(200);
    await t.http.get('/api/v1/probe/items?sort=createdAt').expect(200);
  });

  it('answers 404 with the error envelope and the request id for unknown routes', async () => {
    const res = await t.http
      .get('/api/v1/does-not-exist')
      .set('X-Request-ID', 'req-404')
      .expect(404);
    expect(res.body).toEqual({
      success: false,
      message: expect.any(String),
      error: { code: 'NOT_FOUND', details: [] },
      requestId: 'req-404',
    });
  });

  it('gives 422 for a path id that is not a UUID', async () => {
    const res = await t.http.get('/api/v1/probe/items/not-a-uuid').expect(422);
    expect(res.body.error).toEqual({
      code: 'VALIDATION_ERROR',
      details: [{ field: 'id', message: 'id must be a UUID' }],
    });
    const ok = await t.http.get(`/api/v1/probe/items/${randomUUID()}`).expect(200);
    expect(ok.body.data.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives 422 with nested field paths for invalid bodies', async () => {
    const res = await t.http
      .post('/api/v1/probe/items')
      .send({ email: 'nope', name: 'ab', answers: [{ questionId: 'x', answer: 'a' }] })
      .expect(422);
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'name', 'answers.0.questionId']));
    expect(res.body.requestId).toEqual(res.headers['x-request-id']);
  });

  it('rejects unknown body fields with 422', async () => {
    const res = await t.http
      .post('/api/v1/probe/items')
      .send({
        email: 'a@b.co',
        name: 'abc',
        answers: [{ questionId: randomUUID(), answer: 'x' }],
        role: 'admin',
      })
      .expect(422);
    expect(res.body.error.details).toEqual([
      { field: 'role', message: 'property role should not exist' },
    ]);
  });

  it('answers 201 with the envelope for a valid body', async () => {
    const body = {
      email: 'a@b.co',
      name: 'abc',
      answers: [{ questionId: randomUUID(), answer: 'x' }],
    };
    const res = await t.http.post('/api/v1/probe/items').send(body).expect(201);
    expect(res.body).toEqual({ success: true, message: 'OK', data: body });
  });

  it('gives 400 BAD_REQUEST for malformed JSON', async () => {
    const res = await t.http
      .post('/api/v1/probe/items')
      .set('Content-Type', 'application/json')
      .send('{"email": ')
      .expect(400);
    expect(res.body.success).toBe(false);
    expect(res.body.error.code).toBe('BAD_REQUEST');
  });

  it('gives 413 PAYLOAD_TOO_LARGE for JSON bodies over 1 MB', async () => {
    const res = await t.http
      .post('/api/v1/probe/items')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(1_100_000) }))
      .expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('maps AppErrors to their status and code', async () => {
    const res = await t.http.get('/api/v1/probe/conflict').expect(409);
    expect(res.body.error.code).toBe('CONFLICT');
    expect(res.body.message).toBe('Slug already taken');
  });

  it('answers unexpected errors with a bare 500 that leaks nothing', async () => {
    const res = await t.http.get('/api/v1/probe/boom').expect(500);
    expect(res.body).toEqual({
      success: false,
      message: 'Internal server error',
      error: { code: 'INTERNAL_ERROR', details: [] },
      requestId: res.headers['x-request-id'],
    });
    expect(res.text).not.toMatch(/secret_table|\/srv\/app|at .*\.ts/);
  });

  it('sends 204 with no body', async () => {
    const res = await t.http.delete(`/api/v1/probe/items/${randomUUID()}`).expect(204);
    expect(res.text).toBe('');
  });

  it('sets security headers and hides the framework', async () => {
    const res = await t.http.get('/api/v1/health').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('compresses responses of 8 KB and more, not smaller ones (they fit the first round trip)', async () => {
    const big = await t.http.get('/api/v1/probe/big').set('Accept-Encoding', 'gzip').expect(200);
    expect(big.headers['content-encoding']).toBe('gzip');
    expect(big.body.data.text).toHaveLength(20_000);
    const medium = await t.http
      .get('/api/v1/probe/medium')
      .set('Accept-Encoding', 'gzip')
      .expect(200);
    expect(medium.headers['content-encoding']).toBeUndefined();
    expect(medium.body.data.text).toHaveLength(4_000);
    const small = await t.http.get('/api/v1/health').set('Accept-Encoding', 'gzip').expect(200);
    expect(small.headers['content-encoding']).toBeUndefined();
    for (const res of [big, medium, small]) expect(res.headers.vary).toBe('Accept-Encoding');
  });

  it('sends identity to a client that accepts no encoding, still saying it varies by it', async () => {
    // Sent without Accept-Encoding (superagent adds one unless it is set to nothing).
    const big = await t.http.get('/api/v1/probe/big').set('Accept-Encoding', '').expect(200);
    expect(big.headers['content-encoding']).toBeUndefined();
    expect(big.headers.vary).toBe('Accept-Encoding');
    expect(Number(big.headers['content-length'])).toBe(Buffer.byteLength(big.text));
    expect(big.body.data.text).toHaveLength(20_000);
  });

  it('computes no ETag for response bodies', async () => {
    const res = await t.http.get('/api/v1/probe/big').expect(200);
    expect(res.headers.etag).toBeUndefined();
  });

  it('sends no CORS headers when no origin is configured', async () => {
    const res = await t.http.get('/api/v1/health').set('Origin', 'https://evil.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
