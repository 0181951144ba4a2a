import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import validateStatement from '@learninglocker/xapi-validation';
import { domainEventJob, DomainEvent } from '../../src/infra/outbox/domain-event';
import { JobQueue } from '../../src/infra/queue/job-queue';
import { XapiService } from '../../src/modules/xapi/xapi.service';
import { createCourse } from '../factories/courses.factory';
import { completeLessons, enroll } from '../factories/enrollments.factory';
import { createQuiz } from '../factories/quizzes.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { LrsServer } from '../utils/lrs-server';
import { pollUntil } from '../utils/poll';
import { createTestApp, createTestWorker, TestApp } from '../utils/test-app';
import { API } from '../utils/contract';

const PUBLIC_URL = 'https://lms.example.test';
const VERB = 'http://adlnet.gov/expapi/verbs';
type Statement = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const lrs = new LrsServer('lms-client', `lrs-secret-${randomUUID()}`);

/** The xAPI 1.0.3 rules as a real validator reads them: no warning at all. */
function expectValidXapi(statement: Statement): void {
  const warnings = validateStatement(statement).map((w) => ({
    path: w.path.join('.'),
    name: w.constructor.name,
  }));
  expect(warnings).toEqual([]);
}

const actorOf = (user: TestUser) => ({
  objectType: 'Agent',
  account: { homePage: PUBLIC_URL, name: user.id },
});

describe('Learning records: xAPI statements to an LRS (e2e)', () => {
  let t: TestApp;
  let teacher: TestUser;

  /** Statements the LRS stored for `user`, by verb. */
  const storedFor = (user: TestUser) =>
    [...lrs.stored.values()].filter(
      (s) => (s.actor as { account: { name: string } }).account.name === user.id,
    ) as Statement[];

  async function statementsOf(user: TestUser, count: number): Promise<Statement[]> {
    return pollUntil(
      () => {
        const found = storedFor(user);
        return found.length >= count ? found : undefined;
      },
      { timeoutMs: 15_000, what: `${count} statements for ${user.id}` },
    );
  }

  beforeAll(async () => {
    await lrs.start();
    t = await createTestApp({
      APP_PUBLIC_URL: PUBLIC_URL,
      XAPI_LRS_ENDPOINT: lrs.endpoint,
      XAPI_LRS_USERNAME: lrs.username,
      XAPI_LRS_PASSWORD: lrs.password,
      WEBHOOK_BACKOFF_BASE_MS: '50',
    });
    teacher = await createUser(t, 'instructor');
  });
  afterAll(async () => {
    await t?.close();
    await lrs.close();
  });

  it('sends registered, completed per lesson (course as parent) and completed for the course', async () => {
    const student = await createUser(t, 'student');
    const course = await createCourse(t, teacher, { title: 'xAPI 101', lessons: 2, publish: true });
    const enrollment = await enroll(t, student, course.id);
    await completeLessons(t, student, enrollment.id, course.lessonIds);

    const statements = await statementsOf(student, 4);
    const courseActivity = {
      objectType: 'Activity',
      id: `${PUBLIC_URL}/api/v1/courses/${course.id}`,
      definition: {
        type: 'http://adlnet.gov/expapi/activities/course',
        name: { 'en-US': 'xAPI 101' },
      },
    };
    const byVerbAndObject = (verb: string, objectId: string) =>
      statements.filter((s) => s.verb.id === `${VERB}/${verb}` && s.object.id === objectId);

    const [registered] = byVerbAndObject('registered', courseActivity.id);
    expect(registered).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-/),
      actor: actorOf(student),
      verb: { id: `${VERB}/registered`, display: { 'en-US': 'registered' } },
      object: courseActivity,
      context: { registration: enrollment.id, platform: 'LMS' },
      timestamp: expect.any(String),
    });
    for (const lessonId of course.lessonIds) {
      const [completed] = byVerbAndObject('completed', `${PUBLIC_URL}/api/v1/lessons/${lessonId}`);
      expect(completed).toMatchObject({
        actor: actorOf(student),
        object: { definition: { type: 'http://adlnet.gov/expapi/activities/lesson' } },
        result: { completion: true },
        context: {
          registration: enrollment.id,
          contextActivities: { parent: [{ id: courseActivity.id }] },
        },
      });
    }
    const courseCompleted = byVerbAndObject('completed', courseActivity.id);
    expect(courseCompleted).toHaveLength(1);
    expect(courseCompleted[0]).toMatchObject({ result: { completion: true } });

    for (const statement of statements) expectValidXapi(statement);
    // Only ids leave the system: never the email or the name.
    const sent = JSON.stringify(statements);
    expect(sent).not.toContain(student.email);
    expect(sent).not.toContain(student.fullName);
  });

  it('sends passed and failed quiz attempts with their score, never the answers', async () => {
    const student = await createUser(t, 'student');
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    await enroll(t, student, course.id);
    const quiz = await createQuiz(t, teacher, course.id, { passingScorePercentage: 70 }, [
      { text: 'Heavy', type: 'true_false', correctAnswer: true, points: 3 },
      { text: 'Light', type: 'true_false', correctAnswer: false, points: 1 },
    ]);
    const [heavy, light] = quiz.questions;

    async function attempt(answers: Array<{ questionId: string; answer: boolean }>) {
      const started = await t.http
        .post(`${API}/quizzes/${quiz.id}/attempts`)
        .set(...bearer(student))
        .expect(201);
      await t.http
        .post(`${API}/attempts/${started.body.data.attempt.id}/submit`)
        .set(...bearer(student))
        .send({ answers })
        .expect(200);
    }
    // 3 of 4 points: passed; 1 of 4: failed.
    await attempt([
      { questionId: heavy.id, answer: true },
      { questionId: light.id, answer: true },
    ]);
    await attempt([
      { questionId: heavy.id, answer: false },
      { questionId: light.id, answer: false },
    ]);

    const quizStatements = (await statementsOf(student, 3)).filter(
      (s) => s.object.id === `${PUBLIC_URL}/api/v1/quizzes/${quiz.id}`,
    );
    const passed = quizStatements.filter((s) => s.verb.id === `${VERB}/passed`);
    const failed = quizStatements.filter((s) => s.verb.id === `${VERB}/failed`);
    expect(passed).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(passed[0]).toMatchObject({
      actor: actorOf(student),
      object: { definition: { type: 'http://adlnet.gov/expapi/activities/assessment' } },
      context: {
        contextActivities: { parent: [{ id: `${PUBLIC_URL}/api/v1/courses/${course.id}` }] },
      },
      result: {
        score: { scaled: 0.75, raw: 3, min: 0, max: 4 },
        success: true,
        completion: true,
      },
    });
    expect(failed[0].result).toEqual({
      score: { scaled: 0.25, raw: 1, min: 0, max: 4 },
      success: false,
      completion: true,
    });
    for (const statement of quizStatements) {
      expectValidXapi(statement);
      expect(JSON.stringify(statement)).not.toMatch(/Heavy|Light|answer/i);
    }
  });

  it('sends scored for a graded submission, without its text', async () => {
    const student = await createUser(t, 'student');
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    await enroll(t, student, course.id);
    const assignment = await t.http
      .post(`${API}/courses/${course.id}/assignments`)
      .set(...bearer(teacher))
      .send({ title: 'Essay', submissionTypes: ['text'], maxPoints: 50 })
      .expect(201);
    const assignmentId = assignment.body.data.id as string;
    await t.http
      .post(`${API}/assignments/${assignmentId}/publish`)
      .set(...bearer(teacher))
      .expect(200);
    const submission = await t.http
      .post(`${API}/assignments/${assignmentId}/submissions`)
      .set(...bearer(student))
      .send({ text: 'My private essay text' })
      .expect(201);
    await t.http
      .post(`${API}/submissions/${submission.body.data.id}/grade`)
      .set(...bearer(teacher))
      .send({ score: 42, feedback: 'Private feedback' })
      .expect(200);

    const scored = (await statementsOf(student, 2)).filter((s) => s.verb.id === `${VERB}/scored`);
    expect(scored).toHaveLength(1);
    expect(scored[0]).toMatchObject({
      actor: actorOf(student),
      object: { id: `${PUBLIC_URL}/api/v1/assignments/${assignmentId}` },
      // The maximum is the assignment's maxPoints, read by the consumer (not in the event).
      result: { score: { scaled: 0.84, raw: 42, min: 0, max: 50 }, completion: true },
      context: {
        contextActivities: { parent: [{ id: `${PUBLIC_URL}/api/v1/courses/${course.id}` }] },
      },
    });
    expectValidXapi(scored[0]);
    expect(JSON.stringify(scored[0])).not.toMatch(/private/i);
  });

  it('sends with Basic auth and X-Experience-API-Version 1.0.3 to {endpoint}/statements', async () => {
    const student = await createUser(t, 'student');
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    await enroll(t, student, course.id);
    const [statement] = await statementsOf(student, 1);
    const request = lrs.requests.find((r) => r.statement?.id === statement.id)!;
    expect(request).toMatchObject({ path: '/xapi/statements', status: 200 });
    expect(request.headers['x-experience-api-version']).toBe('1.0.3');
    expect(request.headers['content-type']).toBe('application/json');
  });

  it('queues one statement when the same event is handled twice (consumers run again on retries)', async () => {
    const event = domainEventJob('enrollment.created', {
      id: randomUUID(),
      studentId: randomUUID(),
      courseId: randomUUID(),
    }).payload as DomainEvent;
    const xapi = t.app.get(XapiService);
    await Promise.all([xapi.record(event), xapi.record(event), xapi.record(event)]);
    const rows = await t.dataSource.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM xapi_statements WHERE event_id = $1',
      [event.id],
    );
    expect(rows[0].count).toBe(1);
    const jobs = await t.dataSource.query<Array<{ count: number }>>(
      `SELECT count(*)::int AS count FROM outbox_messages
        WHERE name = 'deliver-xapi-statement' AND payload->>'deliveryId' = (
          SELECT id::text FROM xapi_statements WHERE event_id = $1)`,
      [event.id],
    );
    expect(jobs[0].count).toBe(1);
  });

  it('keeps retrying while the LRS is down; once back, every statement arrives exactly once', async () => {
    const student = await createUser(t, 'student');
    const course = await createCourse(t, teacher, { lessons: 2, publish: true });
    lrs.down();
    try {
      const enrollment = await enroll(t, student, course.id);
      await completeLessons(t, student, enrollment.id, course.lessonIds);
      // registered, 2 lessons, the course: each refused at least twice (so retried) by the LRS.
      await pollUntil(
        async () => {
          const rows = await t.dataSource.query<Array<{ attempts: number; status: string }>>(
            `SELECT attempts, status FROM xapi_statements
              WHERE statement->'actor'->'account'->>'name' = $1`,
            [student.id],
          );
          return rows.length === 4 && rows.every((r) => r.attempts >= 2 && r.status === 'pending');
        },
        { timeoutMs: 15_000, what: 'statements retried while the LRS is down' },
      );
      expect(storedFor(student)).toEqual([]);
    } finally {
      lrs.up();
    }
    const statements = await statementsOf(student, 4);
    await pollUntil(
      async () => {
        const rows = await t.dataSource.query<Array<{ status: string; last_status_code: number }>>(
          `SELECT status, last_status_code FROM xapi_statements
            WHERE statement->'actor'->'account'->>'name' = $1`,
          [student.id],
        );
        return rows.every((r) => r.status === 'succeeded' && r.last_status_code === 200);
      },
      { timeoutMs: 10_000, what: 'every statement marked succeeded' },
    );
    const ids = statements.map((s) => s.id as string);
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) {
      const answered = lrs.requests.filter((r) => r.statement?.id === id).map((r) => r.status);
      expect(answered.filter((status) => status === 200)).toHaveLength(1);
      expect(answered.filter((status) => status === 503).length).toBeGreaterThanOrEqual(2);
    }
    for (const statement of statements) expectValidXapi(statement);
  });

  it('every statement the LRS received is valid xAPI 1.0.3', () => {
    const received = lrs.requests.flatMap((r) => (r.statement ? [r.statement] : []));
    expect(received.length).toBeGreaterThan(10);
    for (const statement of received) expectValidXapi(statement);
    // The validator is not a rubber stamp: an email actor without mailto: and a bad verb fail.
    const broken = { ...received[0], actor: { mbox: 'ada@example.com' }, verb: { id: 'nope' } };
    expect(validateStatement(broken).length).toBeGreaterThan(0);
  });
});

describe('Learning records: refused statements and no LRS configured (e2e)', () => {
  const other = new LrsServer('lms-client', 'the-right-password');
  let refused: TestApp;
  let unset: TestApp;

  beforeAll(async () => {
    await other.start();
    refused = await createTestApp({
      XAPI_LRS_ENDPOINT: other.endpoint,
      XAPI_LRS_USERNAME: 'lms-client',
      XAPI_LRS_PASSWORD: 'a-wrong-password',
      WEBHOOK_BACKOFF_BASE_MS: '50',
    });
    unset = await createTestApp({ XAPI_LRS_ENDPOINT: undefined });
  });
  afterAll(async () => {
    await refused?.close();
    await unset?.close();
    await other.close();
  });

  it('does not retry a 4xx other than 409/429, records it, and keeps the password out of it', async () => {
    const teacher = await createUser(refused, 'instructor');
    const student = await createUser(refused, 'student');
    const course = await createCourse(refused, teacher, { lessons: 1, publish: true });
    await enroll(refused, student, course.id);
    const row = await pollUntil(
      async () => {
        const [found] = await refused.dataSource.query<
          Array<{ id: string; status: string; attempts: number; last_error: string }>
        >(`SELECT id, status, attempts, last_error FROM xapi_statements`);
        return found?.status === 'failed' ? found : undefined;
      },
      { timeoutMs: 15_000, what: 'the refused statement' },
    );
    expect(row).toMatchObject({ attempts: 1, last_error: 'HTTP 401' });
    expect(other.requests.filter((r) => r.statement?.id === row.id)).toHaveLength(1);
    expect(other.stored.size).toBe(0);
  });

  it('stores and sends nothing when XAPI_LRS_ENDPOINT is unset', async () => {
    const teacher = await createUser(unset, 'instructor');
    const student = await createUser(unset, 'student');
    const course = await createCourse(unset, teacher, { lessons: 1, publish: true });
    const enrollment = await enroll(unset, student, course.id);
    await completeLessons(unset, student, enrollment.id, course.lessonIds);
    // Every event relayed and consumed: then no statement can appear any more.
    await pollUntil(
      async () => {
        const [{ pending }] = await unset.dataSource.query<Array<{ pending: number }>>(
          `SELECT count(*)::int AS pending FROM outbox_messages WHERE sent_at IS NULL`,
        );
        if (pending > 0) return false;
        const depths = await unset.app.get(JobQueue).depths();
        return depths.every((d) => d.waiting + d.active + d.delayed === 0);
      },
      { timeoutMs: 10_000, what: 'the outbox relayed and every job done' },
    );
    const [{ count }] = await unset.dataSource.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM xapi_statements',
    );
    expect(count).toBe(0);
  });
});

describe('Learning records across processes (API without job runner + BullMQ worker) (e2e)', () => {
  const lrsOfWorker = new LrsServer('lms-worker', `worker-secret-${randomUUID()}`);
  let api: TestApp;
  let worker: INestApplicationContext | undefined;

  beforeAll(async () => {
    await lrsOfWorker.start();
    const xapiEnv = {
      APP_PUBLIC_URL: PUBLIC_URL,
      XAPI_LRS_ENDPOINT: lrsOfWorker.endpoint,
      XAPI_LRS_USERNAME: lrsOfWorker.username,
      XAPI_LRS_PASSWORD: lrsOfWorker.password,
    };
    api = await createTestApp({ ...xapiEnv, JOBS_INLINE: 'false' });
    if (!api.env.REDIS_URL) throw new Error('this suite needs Redis (TEST_REDIS_URL or :6379)');
    worker = await createTestWorker(api.env, { ...xapiEnv, WEBHOOK_BACKOFF_BASE_MS: '50' });
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await lrsOfWorker.close();
  });

  it('sends the statement of an enrollment made on the API from the worker, once', async () => {
    const teacher = await createUser(api, 'instructor');
    const student = await createUser(api, 'student');
    const course = await createCourse(api, teacher, { lessons: 1, publish: true });
    const enrollment = await enroll(api, student, course.id);
    const statement = await pollUntil(
      () =>
        [...lrsOfWorker.stored.values()].find(
          (s) =>
            (s.context as { registration?: string } | undefined)?.registration === enrollment.id,
        ),
      { timeoutMs: 20_000, what: 'the registered statement sent by the worker' },
    );
    expect(statement).toMatchObject({
      actor: actorOf(student),
      verb: { id: `${VERB}/registered` },
      object: { id: `${PUBLIC_URL}/api/v1/courses/${course.id}` },
    });
    expectValidXapi(statement);
    expect(lrsOfWorker.requests.filter((r) => r.statement?.id === statement.id)).toHaveLength(1);
  });
});
