import { rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventSource } from 'eventsource';
import { NotificationStreams } from '../../src/modules/notifications/notification-streams';
import { createAssignment, submitText } from '../factories/assignments.factory';
import { createCourse } from '../factories/courses.factory';
import { enroll } from '../factories/enrollments.factory';
import { createUser, TestUser } from '../factories/users.factory';
import type { components } from '../utils/contract';
import { pollUntil } from '../utils/poll';
import { freePort, NodeProcess, runEntryPoint, waitForHttp } from '../utils/processes';
import { createTestApp, TestApp } from '../utils/test-app';

jest.setTimeout(120_000);

type NotificationBody = components['schemas']['NotificationResponse'];

interface Received {
  at: number;
  notification: NotificationBody;
}

/** A real SSE client on `base`'s stream, authenticated by the bearer header. */
async function openStream(base: string, user: TestUser) {
  const received: Received[] = [];
  const source = new EventSource(`${base}/api/v1/notifications/stream`, {
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...init.headers, Authorization: `Bearer ${user.accessToken}` },
      }),
  });
  source.addEventListener('notification', (event) => {
    received.push({ at: Date.now(), notification: JSON.parse(event.data) as NotificationBody });
  });
  await new Promise<void>((resolve, reject) => {
    source.onopen = () => resolve();
    source.onerror = (error) => reject(new Error(`stream failed to open: ${error.message}`));
  });
  source.onerror = null;
  return { source, received };
}

async function stop(process: NodeProcess | undefined): Promise<void> {
  if (!process || process.child.exitCode !== null) return;
  process.child.kill('SIGTERM');
  await process.exited;
}

/**
 * Two real API processes and a worker (node dist/main, dist/worker) on one database and one Redis:
 * a change made through process A reaches a stream held by process B, through the outbox, the
 * worker's consumer and Redis pub/sub.
 */
describe('notification stream across two API processes', () => {
  let t: TestApp;
  let apiA: NodeProcess;
  let apiB: NodeProcess;
  let worker: NodeProcess;
  let baseA: string;
  let baseB: string;
  let teacher: TestUser;

  beforeAll(async () => {
    // In-process app: owns the cloned database, and seeds it with the factories.
    t = await createTestApp({ JOBS_INLINE: 'false' });
    const [portA, portB, workerPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_ENABLED: 'false',
      ARGON2_MEMORY_COST: '1024',
      ARGON2_TIME_COST: '1',
      OUTBOX_POLL_INTERVAL_MS: '100',
      JOBS_INLINE: 'false',
      DATABASE_URL: t.env.DATABASE_URL,
      REDIS_URL: t.env.REDIS_URL,
      REDIS_PREFIX: t.env.REDIS_PREFIX,
      DATA_DIR: t.env.DATA_DIR,
    };
    expect(env.REDIS_URL).toBeTruthy();
    apiA = runEntryPoint('main', { ...env, PORT: String(portA) });
    apiB = runEntryPoint('main', { ...env, PORT: String(portB) });
    worker = runEntryPoint('worker', { ...env, WORKER_HEALTH_PORT: String(workerPort) });
    baseA = `http://127.0.0.1:${portA}`;
    baseB = `http://127.0.0.1:${portB}`;
    await Promise.all([
      waitForHttp(`${baseA}/api/v1/health`),
      waitForHttp(`${baseB}/api/v1/health`),
      waitForHttp(`http://127.0.0.1:${workerPort}/health`),
    ]);
    teacher = await createUser(t, 'instructor');
  });

  afterAll(async () => {
    await Promise.all([stop(apiA), stop(apiB), stop(worker)]);
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  it('delivers a grade given through A to the student’s stream on B within 2 s', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const [student, classmate] = [await createUser(t, 'student'), await createUser(t, 'student')];
    await enroll(t, student, course.id);
    await enroll(t, classmate, course.id);
    const assignment = await createAssignment(t, teacher, course.id, {
      title: 'Streamed',
      maxPoints: 10,
    });
    const submission = await submitText(t, student, assignment.id);
    // What these set-up steps notify is delivered before the streams open.
    await pollUntil(
      async () => {
        const [{ unsent }] = await t.dataSource.query<Array<{ unsent: number }>>(
          'SELECT count(*)::int AS unsent FROM outbox_messages WHERE sent_at IS NULL',
        );
        const [{ rows }] = await t.dataSource.query<Array<{ rows: number }>>(
          `SELECT count(*)::int AS rows FROM notifications WHERE type = 'assignment.submitted'`,
        );
        return unsent === 0 && rows === 1;
      },
      { timeoutMs: 30_000, what: 'the set-up notifications' },
    );

    const mine = await openStream(baseB, student);
    const theirs = await openStream(baseA, classmate);
    try {
      const graded = await fetch(`${baseA}/api/v1/submissions/${submission.id}/grade`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${teacher.accessToken}`,
        },
        body: JSON.stringify({ score: 8 }),
      });
      expect(graded.status).toBe(200);
      const changedAt = Date.now();

      const [arrival] = await pollUntil(() => mine.received.length > 0 && mine.received, {
        timeoutMs: 2_000,
        intervalMs: 20,
        what: 'the notification on the stream held by B',
      });
      expect(arrival.at - changedAt).toBeLessThan(2_000);
      expect(arrival.notification).toEqual({
        id: expect.any(String),
        type: 'submission.graded',
        title: 'Graded: Streamed',
        body: 'Version 1 of your submission: 8 / 10 points.',
        resourceType: 'submission',
        resourceId: submission.id,
        createdAt: expect.any(String),
        readAt: null,
      });
      // The same notification the list serves, and nothing for the classmate's stream.
      const listed = await fetch(`${baseB}/api/v1/notifications?unread=true`, {
        headers: { authorization: `Bearer ${student.accessToken}` },
      });
      const body = (await listed.json()) as { data: NotificationBody[] };
      expect(body.data.find((n) => n.type === 'submission.graded')).toEqual(arrival.notification);
      expect(mine.received).toHaveLength(1);
      expect(theirs.received).toEqual([]);
    } finally {
      mine.source.close();
      theirs.source.close();
    }
  });

  it('ends open streams on SIGTERM and exits 0 without waiting for them', async () => {
    const student = await createUser(t, 'student');
    const { source } = await openStream(baseB, student);
    const ended = new Promise<void>((resolve) => {
      source.onerror = () => resolve();
    });
    try {
      const started = Date.now();
      apiB.child.kill('SIGTERM');
      expect(await apiB.exited).toBe(0);
      // Well under the 25 s drain timeout: the open stream did not hold the shutdown.
      expect(Date.now() - started).toBeLessThan(10_000);
      await ended;
    } finally {
      source.close();
    }
  });
});

describe('notification streams in one process', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp({ JOBS_INLINE: 'true' });
    await t.app.listen(0, '127.0.0.1');
    const { port } = (t.app.getHttpServer() as Server).address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  it('holds no database connection per stream: more streams than the pool, requests still served', async () => {
    const user = await createUser(t, 'student');
    // DB_POOL_MAX is 4 in the tests.
    const streams = await Promise.all(Array.from({ length: 8 }, () => openStream(base, user)));
    try {
      const res = await fetch(`${base}/api/v1/notifications`, {
        headers: { authorization: `Bearer ${user.accessToken}` },
        signal: AbortSignal.timeout(5_000),
      });
      expect(res.status).toBe(200);
      expect(t.app.get(NotificationStreams).openCount()).toBe(8);
    } finally {
      for (const stream of streams) stream.source.close();
    }
    await pollUntil(() => t.app.get(NotificationStreams).openCount() === 0, {
      what: 'every stream to be dropped',
    });
  });

  it('forgets a stream when its client disconnects', async () => {
    const streams = t.app.get(NotificationStreams);
    const user = await createUser(t, 'student');
    const first = await openStream(base, user);
    const second = await openStream(base, user);
    expect(streams.openCount()).toBe(2);
    first.source.close();
    await pollUntil(() => streams.openCount() === 1, { what: 'the first stream to be dropped' });
    second.source.close();
    await pollUntil(() => streams.openCount() === 0, { what: 'the second stream to be dropped' });
  });

  it('sends nothing after the token that opened it is logged out, and ends the stream', async () => {
    const streams = t.app.get(NotificationStreams);
    const user = await createUser(t, 'student');
    const stream = await openStream(base, user);
    const notification = (title: string): NotificationBody => ({
      id: crypto.randomUUID(),
      type: 'certificate.issued',
      title,
      body: 'body',
      resourceType: 'certificate',
      resourceId: crypto.randomUUID(),
      createdAt: new Date().toISOString(),
      readAt: null,
    });
    try {
      await streams.publish([{ userId: user.id, notification: notification('before') }]);
      await pollUntil(() => stream.received.length === 1, { what: 'the first notification' });

      const logout = await fetch(`${base}/api/v1/auth/logout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.accessToken}` },
      });
      expect(logout.status).toBe(204);
      await streams.publish([{ userId: user.id, notification: notification('after') }]);
      // The revoked token's stream is ended instead of fed (the client's reconnections are 401).
      await pollUntil(() => streams.openCount() === 0, { what: 'the stream to be ended' });
      expect(stream.received.map((r) => r.notification.title)).toEqual(['before']);
    } finally {
      stream.source.close();
    }
  });
});

describe('notification streams with Redis unreachable', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:6399', JOBS_INLINE: 'true' });
    await t.app.listen(0, '127.0.0.1');
    const { port } = (t.app.getHttpServer() as Server).address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  it('still opens the stream, and keeps the notifications it cannot stream in the list', async () => {
    const teacher = await createUser(t, 'instructor');
    const student = await createUser(t, 'student');
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    await enroll(t, student, course.id);
    const started = Date.now();
    const stream = await openStream(base, student);
    try {
      expect(Date.now() - started).toBeLessThan(5_000);
      const assignment = await createAssignment(t, teacher, course.id, { title: 'Offline' });
      const listed = await pollUntil(
        async () => {
          const res = await fetch(`${base}/api/v1/notifications`, {
            headers: { authorization: `Bearer ${student.accessToken}` },
          });
          const body = (await res.json()) as { data: NotificationBody[] };
          return body.data.length > 0 && body.data;
        },
        { what: 'the stored notification' },
      );
      expect(listed).toEqual([
        expect.objectContaining({ type: 'assignment.published', resourceId: assignment.id }),
      ]);
      expect(stream.received).toEqual([]);
    } finally {
      stream.source.close();
    }
  });
});
