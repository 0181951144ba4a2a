import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { Response } from 'supertest';
import { REDIS_CLIENT } from '../../src/infra/redis/redis.constants';
import { ProbeModule } from '../utils/probe.module';
import { createTestApp, TestApp } from '../utils/test-app';

const LIMITED = {
  RATE_LIMIT_ENABLED: 'true',
  RATE_LIMIT_DEFAULT_PER_MIN: '3',
};

/** A client address of its own per test (TEST-NET-3), so budgets never leak between tests. */
let clientCounter = 0;
function nextClient(): string {
  return `203.0.113.${++clientCounter}`;
}

function seconds(res: Response, header: string): number {
  const value = res.headers[header.toLowerCase()] as string | undefined;
  expect(value).toMatch(/^\d+$/);
  return Number(value);
}

function expectRateLimited(res: Response): void {
  expect(res.status).toBe(429);
  expect(res.body).toEqual({
    success: false,
    message: expect.any(String),
    error: { code: 'RATE_LIMITED', details: [] },
    requestId: res.headers['x-request-id'],
  });
  expect(res.headers['x-ratelimit-limit']).toBe('3');
  expect(res.headers['x-ratelimit-remaining']).toBe('0');
  const retryAfter = seconds(res, 'Retry-After');
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  const reset = seconds(res, 'X-RateLimit-Reset');
  expect(reset).toBeGreaterThanOrEqual(1);
  expect(reset).toBeLessThanOrEqual(60);
}

describe('Rate limiting per client (RATE_LIMIT_DEFAULT_PER_MIN=3)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // TRUST_PROXY lets each test act as its own client through X-Forwarded-For.
    t = await createTestApp({ ...LIMITED, TRUST_PROXY: 'true' }, { imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  it('allows 3 requests with decreasing X-RateLimit-Remaining, then answers 429 RATE_LIMITED', async () => {
    const client = nextClient();
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await t.http
        .get('/api/v1/probe/items')
        .set('X-Forwarded-For', client)
        .expect(200);
      expect(res.headers['x-ratelimit-limit']).toBe('3');
      const reset = seconds(res, 'X-RateLimit-Reset');
      expect(reset).toBeGreaterThanOrEqual(1);
      expect(reset).toBeLessThanOrEqual(60);
      remaining.push(res.headers['x-ratelimit-remaining']);
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const refused = await t.http
      .get('/api/v1/probe/items')
      .set('X-Forwarded-For', client)
      .set('X-Request-ID', 'limited-1');
    expectRateLimited(refused);
    expect(refused.body.requestId).toBe('limited-1');
  });

  it('shares one budget across different routes and methods of the same client', async () => {
    const client = nextClient();
    const first = await t.http
      .get('/api/v1/probe/items')
      .set('X-Forwarded-For', client)
      .expect(200);
    expect(first.headers['x-ratelimit-remaining']).toBe('2');
    const second = await t.http
      .get(`/api/v1/probe/items/${randomUUID()}`)
      .set('X-Forwarded-For', client)
      .expect(200);
    expect(second.headers['x-ratelimit-remaining']).toBe('1');
    const third = await t.http
      .delete(`/api/v1/probe/items/${randomUUID()}`)
      .set('X-Forwarded-For', client)
      .expect(204);
    expect(third.headers['x-ratelimit-remaining']).toBe('0');

    // /probe/conflict would answer 409 if the budget were per URL.
    expectRateLimited(await t.http.get('/api/v1/probe/conflict').set('X-Forwarded-For', client));
    expectRateLimited(
      await t.http.get(`/api/v1/probe/items/${randomUUID()}`).set('X-Forwarded-For', client),
    );
  });

  it('keeps a separate budget for another client', async () => {
    const exhausted = nextClient();
    for (let i = 0; i < 3; i++) {
      await t.http.get('/api/v1/probe/items').set('X-Forwarded-For', exhausted).expect(200);
    }
    expectRateLimited(await t.http.get('/api/v1/probe/items').set('X-Forwarded-For', exhausted));

    const other = await t.http
      .get('/api/v1/probe/items')
      .set('X-Forwarded-For', nextClient())
      .expect(200);
    expect(other.headers['x-ratelimit-remaining']).toBe('2');
  });

  it('never limits /api/v1/health, /api/v1/ready and /metrics, even for a limited client', async () => {
    const client = nextClient();
    for (let i = 0; i < 3; i++) {
      await t.http.get('/api/v1/probe/items').set('X-Forwarded-For', client).expect(200);
    }
    expectRateLimited(await t.http.get('/api/v1/probe/items').set('X-Forwarded-For', client));

    for (const path of ['/api/v1/health', '/api/v1/ready', '/metrics']) {
      for (let i = 0; i < 10; i++) {
        const res = await t.http.get(path).set('X-Forwarded-For', client);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        expect(res.headers['x-ratelimit-limit']).toBeUndefined();
      }
    }
    // The client is still limited on ordinary routes.
    expectRateLimited(await t.http.get('/api/v1/probe/items').set('X-Forwarded-For', client));
  });
});

describe('Rate limit counters in Redis, shared by API processes', () => {
  let first: TestApp;
  let second: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    first = await createTestApp(LIMITED, { imports: [ProbeModule] });
    second = await createTestApp(LIMITED, { imports: [ProbeModule], share: first.env });
    redis = new Redis(first.env.REDIS_URL ?? '', { lazyConnect: true });
  });
  afterAll(async () => {
    redis.disconnect();
    await second.close();
    await first.close();
  });

  it('shares the budget of one client between two apps on the same Redis prefix', async () => {
    expect(first.env.REDIS_URL).toBeTruthy();
    expect(second.env.REDIS_PREFIX).toBe(first.env.REDIS_PREFIX);

    const a1 = await first.http.get('/api/v1/probe/items').expect(200);
    expect(a1.headers['x-ratelimit-remaining']).toBe('2');
    const b1 = await second.http.get(`/api/v1/probe/items/${randomUUID()}`).expect(200);
    expect(b1.headers['x-ratelimit-remaining']).toBe('1');
    const a2 = await first.http.get('/api/v1/probe/items').expect(200);
    expect(a2.headers['x-ratelimit-remaining']).toBe('0');

    expectRateLimited(await second.http.get('/api/v1/probe/items'));
    expectRateLimited(await first.http.get('/api/v1/probe/items'));

    await redis.connect();
    const keys = await redis.keys(`${first.env.REDIS_PREFIX}:throttle:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(' ')).not.toContain('probe');
  });

  it('ignores X-Forwarded-For without TRUST_PROXY, so a spoofed address gets no fresh budget', async () => {
    for (let i = 0; i < 3; i++) await first.http.get('/api/v1/probe/items');
    expectRateLimited(
      await first.http.get('/api/v1/probe/items').set('X-Forwarded-For', nextClient()),
    );
  });
});

describe('Rate limiting while Redis is down', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(
      { ...LIMITED, REDIS_URL: 'redis://127.0.0.1:6399' },
      { imports: [ProbeModule] },
    );
  });
  afterAll(async () => {
    const shared = t.app.get<Redis>(REDIS_CLIENT);
    await t.close();
    // With Redis unreachable, shutdown must still stop the client's reconnect loop (ioredis keeps
    // its status as 'reconnecting' but drops the timer), or the process never exits.
    const client = shared as unknown as { reconnectTimeout: unknown; manuallyClosing: boolean };
    expect(['end', 'reconnecting']).toContain(shared.status);
    expect(client.reconnectTimeout).toBeNull();
    expect(client.manuallyClosing).toBe(true);
  });

  it('answers limited routes at once and still limits them, with per-process counters', async () => {
    const started = Date.now();
    for (let i = 0; i < 3; i++) {
      await t.http.get('/api/v1/probe/items').timeout({ response: 5_000 }).expect(200);
    }
    expectRateLimited(await t.http.get('/api/v1/probe/items').timeout({ response: 5_000 }));
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('still answers liveness, which is never limited', async () => {
    await t.http.get('/api/v1/health').timeout({ response: 5_000 }).expect(200);
  });
});
