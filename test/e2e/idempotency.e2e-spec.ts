import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Response } from 'supertest';
import request from 'supertest';
import { Clock } from '../../src/common/time/clock';
import { PurgeIdempotencyKeysProcessor } from '../../src/infra/idempotency/purge-idempotency-keys.processor';
import { createCourse } from '../factories/courses.factory';
import { bearer, createUser, DEFAULT_PASSWORD, TestUser } from '../factories/users.factory';
import { API, CourseBody, SessionBody } from '../utils/contract';
import { expectError, expectValidationError } from '../utils/expectations';
import { createTestApp, TestApp } from '../utils/test-app';

const KEY = 'Idempotency-Key';
const REPLAYED = 'idempotent-replayed';

describe('Idempotency keys (e2e)', () => {
  let t: TestApp;
  let teacher: TestUser;
  let otherTeacher: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    [teacher, otherTeacher] = await Promise.all([
      createUser(t, 'instructor'),
      createUser(t, 'instructor'),
    ]);
  });
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });
  afterEach(() => jest.restoreAllMocks());

  const createCourseWith = (
    user: TestUser,
    key: string | undefined,
    title: string,
    http = t.http,
  ) => {
    const req = http
      .post(`${API}/courses`)
      .set(...bearer(user))
      .send({ title });
    return key === undefined ? req : req.set(KEY, key);
  };

  const coursesTitled = async (title: string): Promise<number> => {
    const [row] = await t.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM courses WHERE title = $1`,
      [title],
    );
    return row.n;
  };

  /** Of parallel responses: exactly one ran; the others replayed it or were told it runs. */
  function expectOneRan(responses: Response[]): Response {
    const ran = responses.filter((res) => res.status === 201 && !res.headers[REPLAYED]);
    expect(ran).toHaveLength(1);
    for (const res of responses) {
      if (res === ran[0]) continue;
      if (res.status === 409) {
        expectError(res, 409, 'IDEMPOTENCY_KEY_IN_USE');
      } else {
        expect(res.status).toBe(201);
        expect(res.headers[REPLAYED]).toBe('true');
        expect(res.body).toEqual(ran[0].body);
      }
    }
    return ran[0];
  }

  it('runs 10 parallel identical requests with one key once: one course, the others replay or get 409', async () => {
    const key = randomUUID();
    const title = `Parallel ${key}`;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => createCourseWith(teacher, key, title)),
    );
    const first = expectOneRan(responses);
    expect(await coursesTitled(title)).toBe(1);

    // Once the first finished, every retry replays it.
    const again = await createCourseWith(teacher, key, title).expect(201);
    expect(again.headers[REPLAYED]).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await coursesTitled(title)).toBe(1);
  });

  it('replays the first response, not a new one, and leaves the created resource unchanged', async () => {
    const key = randomUUID();
    const title = `Replay ${key}`;
    const first = await createCourseWith(teacher, key, title).expect(201);
    expect(first.headers[REPLAYED]).toBeUndefined();
    const course = first.body.data as CourseBody;
    await t.http
      .patch(`${API}/courses/${course.id}`)
      .set(...bearer(teacher))
      .send({ title: `${title} renamed` })
      .expect(200);

    const replay = await createCourseWith(teacher, key, title).expect(201);
    expect(replay.headers[REPLAYED]).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await coursesTitled(`${title} renamed`)).toBe(1);
    expect(await coursesTitled(title)).toBe(0);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED to the same key with another body and creates nothing', async () => {
    const key = randomUUID();
    await createCourseWith(teacher, key, `Reused ${key}`).expect(201);
    const res = await createCourseWith(teacher, key, `Other ${key}`);
    expectError(res, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await coursesTitled(`Other ${key}`)).toBe(0);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED to the same key on another route', async () => {
    const key = randomUUID();
    const course = (await createCourseWith(teacher, key, `Route ${key}`).expect(201)).body
      .data as CourseBody;
    const res = await t.http
      .post(`${API}/courses/${course.id}/lessons`)
      .set(...bearer(teacher))
      .set(KEY, key)
      .send({ title: `Route ${key}` });
    expectError(res, 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('keeps keys per caller: two users with one key create one course each', async () => {
    const key = randomUUID();
    const title = `Per caller ${key}`;
    const [a, b] = await Promise.all([
      createCourseWith(teacher, key, title),
      createCourseWith(otherTeacher, key, title),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.headers[REPLAYED]).toBeUndefined();
    expect(b.headers[REPLAYED]).toBeUndefined();
    expect((a.body.data as CourseBody).id).not.toBe((b.body.data as CourseBody).id);
    expect(await coursesTitled(title)).toBe(2);
  });

  it('works without the header as before: every request creates', async () => {
    const title = `No key ${randomUUID()}`;
    await createCourseWith(teacher, undefined, title).expect(201);
    await createCourseWith(teacher, undefined, title).expect(201);
    expect(await coursesTitled(title)).toBe(2);
  });

  it('validates the key: 1 to 255 characters, 422 VALIDATION_ERROR naming the header otherwise', async () => {
    const title = `Lengths ${randomUUID()}`;
    expectValidationError(await createCourseWith(teacher, '', title), KEY);
    expectValidationError(await createCourseWith(teacher, 'k'.repeat(256), title), KEY);
    expect(await coursesTitled(title)).toBe(0);
    await createCourseWith(teacher, `${randomUUID()}`.padEnd(255, 'x'), title).expect(201);
    await createCourseWith(teacher, 'x', title).expect(201);
    expect(await coursesTitled(title)).toBe(2);
  });

  it('releases the key when the first request fails, so a corrected retry runs', async () => {
    const key = randomUUID();
    const title = `Corrected ${key}`;
    const bad = await t.http
      .post(`${API}/courses`)
      .set(...bearer(teacher))
      .set(KEY, key)
      .send({ title, difficultyLevel: 'impossible' });
    expectValidationError(bad, 'difficultyLevel');
    const good = await createCourseWith(teacher, key, title).expect(201);
    expect(good.headers[REPLAYED]).toBeUndefined();
    expect(await coursesTitled(title)).toBe(1);
  });

  it('runs parallel enrolls with one key once: one enrollment, one enrollment.created event', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const student = await createUser(t, 'student');
    const key = randomUUID();
    const enroll = () =>
      t.http
        .post(`${API}/enrollments`)
        .set(...bearer(student))
        .set(KEY, key)
        .send({ courseId: course.id });
    const responses = await Promise.all(Array.from({ length: 5 }, enroll));
    expectOneRan(responses);
    const [row] = await t.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM enrollments WHERE course_id = $1`,
      [course.id],
    );
    expect(row.n).toBe(1);
    const events = await t.dataSource.query<unknown[]>(
      `SELECT id FROM outbox_messages WHERE payload->>'type' = 'enrollment.created' AND payload->'data'->>'courseId' = $1`,
      [course.id],
    );
    expect(events).toHaveLength(1);
  });

  it('keys anonymous registration by IP, and never stores the session in plain text', async () => {
    const key = randomUUID();
    const email = `idem-${key.slice(0, 8)}@example.com`;
    const register = () =>
      t.http
        .post(`${API}/auth/register`)
        .set(KEY, key)
        .send({ email, password: DEFAULT_PASSWORD, fullName: 'Ida Potent' });
    const first = await register().expect(201);
    const replay = await register().expect(201);
    expect(replay.headers[REPLAYED]).toBe('true');
    expect(replay.body).toEqual(first.body);
    const [users] = await t.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM users WHERE email = $1`,
      [email],
    );
    expect(users.n).toBe(1);
    const session = first.body.data as SessionBody;
    const [stored] = await t.dataSource.query<Array<{ scope: string; response_body: string }>>(
      `SELECT scope, response_body FROM idempotency_keys WHERE key = $1`,
      [key],
    );
    expect(stored.scope).toMatch(/^ip:/);
    expect(stored.response_body).not.toContain(session.tokens.accessToken);
    expect(stored.response_body).not.toContain(email);
  });

  it('fingerprints multipart uploads by size: the same file replays, another size is 422', async () => {
    const key = randomUUID();
    const upload = (text: string) =>
      t.http
        .post(`${API}/files/upload`)
        .set(...bearer(teacher))
        .set(KEY, key)
        .attach('file', Buffer.from(text), 'notes.txt');
    const first = await upload('hello world').expect(201);
    const replay = await upload('hello world').expect(201);
    expect(replay.headers[REPLAYED]).toBe('true');
    expect(replay.body).toEqual(first.body);
    expectError(await upload('another, longer text'), 422, 'IDEMPOTENCY_KEY_REUSED');
    const [files] = await t.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM files WHERE uploaded_by_id = $1`,
      [teacher.id],
    );
    expect(files.n).toBe(1);
  });

  it('forgets keys after 24 h: the hourly purge removes them and the key is free again', async () => {
    const key = randomUUID();
    await createCourseWith(teacher, key, `Old ${key}`).expect(201);
    const later = new Date(Date.now() + 24 * 3600_000 + 60_000);
    jest.spyOn(Clock.prototype, 'now').mockReturnValue(later);
    await t.app.get(PurgeIdempotencyKeysProcessor).purge();
    const rows = await t.dataSource.query<unknown[]>(
      `SELECT 1 FROM idempotency_keys WHERE key = $1`,
      [key],
    );
    expect(rows).toHaveLength(0);
    const fresh = await createCourseWith(teacher, key, `New ${key}`).expect(201);
    expect(fresh.headers[REPLAYED]).toBeUndefined();
  });

  it('shares keys across API processes: parallel requests to two apps create one course', async () => {
    const second = await createTestApp({}, { share: t.env });
    try {
      const key = randomUUID();
      const title = `Two processes ${key}`;
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          createCourseWith(teacher, key, title, i % 2 === 0 ? t.http : second.http),
        ),
      );
      expectOneRan(responses);
      expect(await coursesTitled(title)).toBe(1);
      const late = await createCourseWith(teacher, key, title, request(second.app.getHttpServer()));
      expect(late.status).toBe(201);
      expect(late.headers[REPLAYED]).toBe('true');
    } finally {
      await second.close();
    }
  });

  it('documents the optional header on every creating POST of the OpenAPI document', () => {
    const doc = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as {
      info: { description: string };
      paths: Record<
        string,
        Record<string, { parameters?: Array<{ name: string; in: string; required?: boolean }> }>
      >;
    };
    const creating = [
      '/api/v1/auth/register',
      '/api/v1/users',
      '/api/v1/courses',
      '/api/v1/courses/{id}/lessons',
      '/api/v1/courses/{id}/modules',
      '/api/v1/courses/{id}/quizzes',
      '/api/v1/quizzes/{id}/questions',
      '/api/v1/quizzes/{id}/attempts',
      '/api/v1/enrollments',
      '/api/v1/courses/{id}/assignments',
      '/api/v1/assignments/{id}/submissions',
      '/api/v1/files/upload',
      '/api/v1/webhooks',
      '/api/v1/certificates/generate',
      '/api/v1/courses/{id}/enrollments/bulk',
      '/api/v1/lti/tools',
    ];
    for (const path of creating) {
      const header = doc.paths[path].post.parameters?.find((p) => p.name === KEY);
      expect({ path, header }).toEqual({
        path,
        header: expect.objectContaining({ in: 'header', required: false }),
      });
    }
    for (const path of creating) expect(doc.info.description).toContain(`\`POST ${path}\``);
    const login = doc.paths['/api/v1/auth/login'].post.parameters ?? [];
    expect(login.map((p) => p.name)).not.toContain(KEY);
  });
});
