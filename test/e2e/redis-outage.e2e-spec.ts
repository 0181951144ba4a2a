import { ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { createCourse } from '../factories/courses.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { expectError } from '../utils/expectations';
import { pollUntil } from '../utils/poll';
import { freePort, portOpen } from '../utils/processes';
import { createTestApp, TestApp } from '../utils/test-app';
import { API } from '../utils/contract';

const AUTH_PER_MINUTE = 30;

/**
 * A Redis server of this test's own (never the shared one on 6379, which other runs use), so the
 * test can kill it under a running API and start it again, empty, on the same port.
 */
class OwnRedis {
  private child?: ChildProcess;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await pollUntil(() => portOpen(this.port), { what: `redis-server on ${this.port}` });
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/** The `jti` of an access token. */
const jtiOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { jti: string })
    .jti;

describe('a Redis outage under a running API', () => {
  let redis: OwnRedis;
  let t: TestApp;
  let probe: Redis;
  let instructor: TestUser;
  let student: TestUser;
  let courseId: string;
  /** Logged out before the outage: the restarted (empty) Redis must learn it again. */
  let loggedOutBefore: TestUser;
  /** Logged out during the outage: only PostgreSQL saw it. */
  let loggedOutDuring: TestUser;
  let lockedOut: TestUser;
  const seen: Response[] = [];

  const me = (user: TestUser) => t.http.get(`${API}/users/me`).set(...bearer(user));
  const ready = () => t.http.get(`${API}/ready`);
  const record = async (request: Promise<Response>) => {
    const res = await request;
    seen.push(res);
    return res;
  };
  const revocationKey = (user: TestUser) =>
    `${t.env.REDIS_PREFIX}:kv:revoked-jti:${jtiOf(user.accessToken)}`;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    t = await createTestApp({
      REDIS_URL: redis.url,
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_DEFAULT_PER_MIN: '1000',
      RATE_LIMIT_AUTH_PER_MIN: String(AUTH_PER_MINUTE),
      TRUST_PROXY: 'true',
    });
    probe = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    instructor = await createUser(t, 'instructor');
    courseId = (await createCourse(t, instructor, { lessons: 1, publish: true })).id;
    student = await createUser(t);
    loggedOutBefore = await createUser(t);
    loggedOutDuring = await createUser(t);
    lockedOut = await createUser(t);
    await t.http
      .post(`${API}/auth/logout`)
      .set(...bearer(loggedOutBefore))
      .expect(204);
    expect((await ready().expect(200)).body.data.redis).toBe('up');
  });

  afterAll(async () => {
    probe.disconnect();
    await t.close();
    await redis.kill();
  });

  it('keeps serving learners while Redis is down, with revocations, lockouts and rate limits still enforced', async () => {
    await redis.kill();
    const down = await pollUntil(
      async () => {
        const res = await ready();
        return res.status === 503 ? res : undefined;
      },
      { what: 'readiness to report Redis down' },
    );
    expectError(down, 503, 'SERVICE_UNAVAILABLE');

    // The repro of the issue: a logged-in student enrolls.
    const enrolled = await record(
      t.http
        .post(`${API}/enrollments`)
        .set(...bearer(student))
        .send({ courseId }),
    );
    expect(enrolled.status).toBe(201);
    expect((await record(me(student))).status).toBe(200);

    // Revocations are read from PostgreSQL: old and new logouts both hold.
    expectError(await record(me(loggedOutBefore)), 401, 'INVALID_TOKEN');
    await t.http
      .post(`${API}/auth/logout`)
      .set(...bearer(loggedOutDuring))
      .expect(204);
    expectError(await record(me(loggedOutDuring)), 401, 'INVALID_TOKEN');

    // Lockouts are counted in PostgreSQL: exactly 5 of 7 parallel guesses are checked.
    const guesses = await Promise.all(
      Array.from({ length: 7 }, () =>
        record(
          t.http
            .post(`${API}/auth/login`)
            .send({ email: lockedOut.email, password: 'wrong-passw0rd' }),
        ),
      ),
    );
    expect(guesses.map((r) => r.status).sort()).toEqual([401, 401, 401, 401, 401, 423, 423]);

    // Rate limits fall back to per-process counters: the budget still holds.
    const client = { 'X-Forwarded-For': '203.0.113.77' };
    const burst = [];
    for (let i = 0; i <= AUTH_PER_MINUTE; i++) {
      burst.push(
        await record(
          t.http
            .post(`${API}/auth/password/forgot`)
            .set(client)
            .send({ email: `nobody-${i}@example.com` }),
        ),
      );
    }
    expect(burst.filter((r) => r.status === 202)).toHaveLength(AUTH_PER_MINUTE);
    expectError(burst[AUTH_PER_MINUTE], 429, 'RATE_LIMITED');

    expect((await ready()).body.data).toMatchObject({ redis: 'down', database: 'up' });
    expect(seen.filter((r) => r.status >= 500)).toEqual([]);
  });

  it('fails closed (503) only while PostgreSQL is down as well, and serves again once it is back', async () => {
    const url = t.env.DATABASE_URL ?? '';
    const name = url.slice(url.lastIndexOf('/') + 1);
    const admin = new Client({ connectionString: `${process.env.LMS_TEST_PG_SERVER}/postgres` });
    await admin.connect();
    const allowConnections = (allow: boolean) =>
      admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS ${allow}`);
    try {
      await allowConnections(false);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
        [name],
      );
      expectError(await me(student), 503, 'SERVICE_UNAVAILABLE');
    } finally {
      await allowConnections(true);
      await admin.end();
    }
    await pollUntil(async () => (await me(student)).status === 200, {
      what: 'authenticated requests to work again once PostgreSQL is back',
    });
  });

  it('recovers when Redis comes back empty: the fast path is refilled from PostgreSQL', async () => {
    await redis.start();
    await pollUntil(async () => (await ready()).status === 200, {
      what: 'readiness to report Redis up again',
    });
    // Both revocations, the one Redis lost in the restart and the one it never saw, are back.
    await probe.connect();
    await pollUntil(
      async () =>
        (await probe.exists(revocationKey(loggedOutBefore), revocationKey(loggedOutDuring))) === 2,
      { what: 'revocations copied back into Redis' },
    );
    expectError(await record(me(loggedOutBefore)), 401, 'INVALID_TOKEN');
    expectError(await record(me(loggedOutDuring)), 401, 'INVALID_TOKEN');
    expect((await record(me(student))).status).toBe(200);
    // The lockout made during the outage still holds.
    const locked = await record(
      t.http
        .post(`${API}/auth/login`)
        .send({ email: lockedOut.email, password: lockedOut.password }),
    );
    expectError(locked, 423, 'ACCOUNT_LOCKED');
    // A logout now reaches Redis at once.
    const late = await createUser(t);
    await t.http
      .post(`${API}/auth/logout`)
      .set(...bearer(late))
      .expect(204);
    expect(await probe.exists(revocationKey(late))).toBe(1);
    expectError(await record(me(late)), 401, 'INVALID_TOKEN');
    expect(seen.filter((r) => r.status >= 500)).toEqual([]);
  });
});
