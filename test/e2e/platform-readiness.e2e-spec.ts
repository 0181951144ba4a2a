import Redis from 'ioredis';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { REDIS_CLIENT } from '../../src/infra/redis/redis.constants';
import { pollUntil } from '../utils/poll';
import { createTestApp, TestApp } from '../utils/test-app';

const DEAD_REDIS_URL = 'redis://127.0.0.1:6399';

describe('Readiness with Redis down', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ REDIS_URL: DEAD_REDIS_URL, RATE_LIMIT_ENABLED: 'false' });
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

  it('answers /api/v1/ready with 503 naming redis, with the component states in data', async () => {
    const res = await t.http.get('/api/v1/ready').set('X-Request-ID', 'ready-redis').expect(503);
    expect(res.body).toEqual({
      success: false,
      message: expect.any(String),
      error: { code: 'SERVICE_UNAVAILABLE', details: [{ field: 'redis', message: 'down' }] },
      data: { status: 'degraded', database: 'up', redis: 'down' },
      requestId: 'ready-redis',
    });
  });

  it('keeps liveness at 200', async () => {
    const res = await t.http.get('/api/v1/health').expect(200);
    expect(res.body.data).toEqual({ status: 'ok' });
  });
});

describe('Readiness with the database down', () => {
  let t: TestApp;
  let admin: Client;
  let name: string;

  const setAllowConnections = (allow: boolean) =>
    admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS ${allow}`);

  beforeAll(async () => {
    t = await createTestApp();
    const url = t.env.DATABASE_URL ?? '';
    name = url.slice(url.lastIndexOf('/') + 1);
    admin = new Client({ connectionString: `${process.env.LMS_TEST_PG_SERVER}/postgres` });
    await admin.connect();
  });
  afterAll(async () => {
    // Teardown drops the database: it must accept connections (and be dropped) again.
    await setAllowConnections(true).catch(() => undefined);
    await admin.end();
    await t.close();
  });

  it('answers 503 naming database once connections are refused, and recovers after', async () => {
    await t.http.get('/api/v1/ready').expect(200);

    await setAllowConnections(false);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
      name,
    ]);

    const down = await pollUntil(
      async () => {
        const res = await t.http.get('/api/v1/ready').set('X-Request-ID', 'ready-db');
        return res.status === 503 && res.body.data?.database === 'down' ? res : undefined;
      },
      { timeoutMs: 15_000, what: '/ready to report the database down' },
    );
    expect(down.body).toEqual({
      success: false,
      message: expect.any(String),
      error: { code: 'SERVICE_UNAVAILABLE', details: [{ field: 'database', message: 'down' }] },
      data: { status: 'degraded', database: 'down', redis: 'up' },
      requestId: 'ready-db',
    });
    expect(down.text).not.toMatch(/ALLOW_CONNECTIONS|does not accept connections|terminat/i);

    const live = await t.http.get('/api/v1/health').expect(200);
    expect(live.body.data).toEqual({ status: 'ok' });

    await setAllowConnections(true);
    const recovered: Response = await pollUntil(
      async () => {
        const res = await t.http.get('/api/v1/ready');
        return res.status === 200 ? res : undefined;
      },
      { timeoutMs: 15_000, what: '/ready to recover once the database accepts connections' },
    );
    expect(recovered.body.data).toEqual({ status: 'ok', database: 'up', redis: 'up' });
  });
});
