import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createCourse } from '../factories/courses.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { API } from '../utils/contract';
import { expectError, expectValidationError } from '../utils/expectations';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { BulkEnrollmentRunner } from '../../src/modules/imports/bulk-enrollment.runner';
import { pollUntil } from '../utils/poll';
import { createTestApp, createTestWorker, TestApp } from '../utils/test-app';

interface JobBody {
  id: string;
  type: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: { total: number; processed: number; succeeded: number; failed: number };
  errors: Array<{ row: number; email: string; message: string }>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

describe('Bulk enrollment jobs (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let teacher: TestUser;
  let otherTeacher: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    [admin, teacher, otherTeacher] = await Promise.all([
      createUser(t, 'admin'),
      createUser(t, 'instructor'),
      createUser(t, 'instructor'),
    ]);
  });
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  const bulkJson = (user: TestUser, courseId: string, body: object) =>
    t.http
      .post(`${API}/courses/${courseId}/enrollments/bulk`)
      .set(...bearer(user))
      .send(body);
  const bulkCsv = (user: TestUser, courseId: string, csv: string, fields: object = {}) => {
    let req = t.http
      .post(`${API}/courses/${courseId}/enrollments/bulk`)
      .set(...bearer(user))
      .attach('file', Buffer.from(csv, 'utf8'), 'students.csv');
    for (const [name, value] of Object.entries(fields)) req = req.field(name, String(value));
    return req;
  };
  const getJob = (user: TestUser, id: string) =>
    t.http.get(`${API}/jobs/${id}`).set(...bearer(user));
  const finished = (user: TestUser, id: string): Promise<JobBody> =>
    pollUntil(
      async () => {
        const job = (await getJob(user, id).expect(200)).body.data as JobBody;
        return job.status === 'succeeded' || job.status === 'failed' ? job : null;
      },
      { timeoutMs: 20_000, what: `job ${id} to finish` },
    );
  const enrolledIds = async (courseId: string): Promise<string[]> =>
    (
      await t.dataSource.query<Array<{ student_id: string }>>(
        `SELECT student_id FROM enrollments WHERE course_id = $1 ORDER BY student_id`,
        [courseId],
      )
    ).map((row) => row.student_id);
  const createdEvents = async (courseId: string): Promise<number> => {
    const [row] = await t.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM outbox_messages
        WHERE payload->>'type' = 'enrollment.created' AND payload->'data'->>'courseId' = $1`,
      [courseId],
    );
    return row.n;
  };

  it('enrolls valid rows and reports invalid, unknown, non-student and deactivated ones as row errors', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const [ana, ben, already, inactive] = await Promise.all(
      [1, 2, 3, 4].map(() => createUser(t, 'student')),
    );
    await t.http
      .post(`${API}/enrollments`)
      .set(...bearer(already))
      .send({ courseId: course.id })
      .expect(201);
    await t.dataSource.query(`UPDATE users SET is_active = false WHERE id = $1`, [inactive.id]);
    const unknown = `nobody-${randomUUID().slice(0, 8)}@example.com`;

    const res = await bulkJson(teacher, course.id, {
      emails: [
        ana.email.toUpperCase(),
        'not-an-email',
        ben.email,
        already.email,
        ` ${ana.email} `,
        unknown,
        otherTeacher.email,
        inactive.email,
      ],
    });
    expect(res.status).toBe(202);
    expectMatchesOpenApi(res, 'post', '/api/v1/courses/{id}/enrollments/bulk');
    const jobId = res.body.data.jobId as string;

    const job = await finished(teacher, jobId);
    expectMatchesOpenApi(await getJob(teacher, jobId), 'get', '/api/v1/jobs/{id}');
    expect(job).toMatchObject({
      id: jobId,
      type: 'bulk_enrollment',
      status: 'succeeded',
      progress: { total: 8, processed: 8, succeeded: 4, failed: 4 },
    });
    expect(job.errors).toEqual([
      { row: 2, email: 'not-an-email', message: 'Not a valid email address' },
      { row: 6, email: unknown, message: 'No account with this email' },
      { row: 7, email: otherTeacher.email, message: 'Not a student account' },
      { row: 8, email: inactive.email, message: 'The account is deactivated' },
    ]);
    expect(job.startedAt).not.toBeNull();
    expect(job.finishedAt).not.toBeNull();
    expect(await enrolledIds(course.id)).toEqual([ana.id, ben.id, already.id].sort());
    // One enrollment.created per new enrollment: the earlier one, Ana and Ben.
    expect(await createdEvents(course.id)).toBe(3);
    const rows = await t.dataSource.query<unknown[]>(`SELECT 1 FROM job_rows WHERE job_id = $1`, [
      jobId,
    ]);
    expect(rows).toHaveLength(0);
  });

  it('reads a real multipart CSV (BOM, quoted commas and quotes) and creates missing students with a password mail', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const existing = await createUser(t, 'student');
    const tag = randomUUID().slice(0, 8);
    const ada = `ada-${tag}@example.com`;
    const grace = `grace-${tag}@example.com`;
    const csv =
      '\uFEFFFullName,Email\r\n' +
      `"Lovelace, Ada",${ada}\r\n` +
      `"Grace ""Amazing"" Hopper",${grace}\r\n` +
      `,${existing.email}\r\n` +
      '"Bad, Row",not an email\r\n';
    const res = await bulkCsv(teacher, course.id, csv, { createMissingUsers: true });
    expect(res.status).toBe(202);
    const job = await finished(teacher, res.body.data.jobId as string);
    expect(job).toMatchObject({
      status: 'succeeded',
      progress: { total: 4, processed: 4, succeeded: 3, failed: 1 },
      errors: [{ row: 4, email: 'not an email', message: 'Not a valid email address' }],
    });
    const created = await t.dataSource.query<
      Array<{ email: string; full_name: string; role: string }>
    >(`SELECT email, full_name, role FROM users WHERE email = ANY($1) ORDER BY email`, [
      [ada, grace],
    ]);
    expect(created).toEqual([
      { email: ada, full_name: 'Lovelace, Ada', role: 'student' },
      { email: grace, full_name: 'Grace "Amazing" Hopper', role: 'student' },
    ]);
    expect(await enrolledIds(course.id)).toHaveLength(3);
    const tokens = await t.dataSource.query<Array<{ purpose: string }>>(
      `SELECT t.purpose FROM one_time_tokens t JOIN users u ON u.id = t.user_id
        WHERE u.email = ANY($1)`,
      [[ada, grace, existing.email]],
    );
    expect(tokens.map((row) => row.purpose)).toEqual(['password_reset', 'password_reset']);
    // A created student cannot log in before setting a password.
    await t.http
      .post(`${API}/auth/login`)
      .send({ email: ada, password: '' })
      .expect((r) => expect([401, 422]).toContain(r.status));
  });

  /** The `user.created` audit events about accounts with these emails. */
  const userCreatedEvents = (emails: string[]) =>
    t.dataSource.query<
      Array<{
        resource_id: string;
        actor_id: string | null;
        actor_role: string | null;
        changes: object;
      }>
    >(
      `SELECT resource_id, actor_id, actor_role, changes FROM audit_events
        WHERE action = 'user.created' AND changes->>'email' = ANY($1::text[])
        ORDER BY changes->>'email'`,
      [emails],
    );

  it('writes one user.created audit event per created student, the job’s starter as actor', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const existing = await createUser(t, 'student');
    const tag = randomUUID().slice(0, 8);
    const fresh = [1, 2, 3].map((i) => `new-${i}-${tag}@example.com`);
    const res = await bulkJson(teacher, course.id, {
      emails: [...fresh, existing.email, fresh[0].toUpperCase(), 'not-an-email'],
      createMissingUsers: true,
    }).expect(202);
    const job = await finished(teacher, res.body.data.jobId as string);
    expect(job.progress).toEqual({ total: 6, processed: 6, succeeded: 5, failed: 1 });
    const created = await t.dataSource.query<Array<{ id: string; email: string }>>(
      `SELECT id, email FROM users WHERE email = ANY($1::text[]) ORDER BY email`,
      [fresh],
    );
    expect(created).toHaveLength(3);
    expect(await userCreatedEvents([...fresh, existing.email])).toEqual(
      created.map((user) => ({
        resource_id: user.id,
        actor_id: teacher.id,
        actor_role: 'instructor',
        changes: { email: user.email, role: 'student' },
      })),
    );
    const listed = await t.http
      .get(`${API}/audit-events`)
      .query({ action: 'user.created', resourceId: created[0].id })
      .set(...bearer(admin))
      .expect(200);
    expect(listed.body.data).toEqual([
      expect.objectContaining({
        action: 'user.created',
        resourceId: created[0].id,
        actor: { id: teacher.id, role: 'instructor' },
      }),
    ]);
  });

  it('writes exactly one user.created event per new student when runners overlap', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const tag = randomUUID().slice(0, 8);
    const fresh = Array.from({ length: 12 }, (_, i) => `overlap-${i}-${tag}@example.com`);
    const [a, b] = await Promise.all([
      queuedJob(course.id, fresh.slice(0, 8), true),
      queuedJob(course.id, fresh.slice(4), true),
    ]);
    const runner = t.app.get(BulkEnrollmentRunner);
    // Two jobs sharing four new emails, and job a handed out twice.
    await Promise.all([
      runner.run({ jobId: a }),
      runner.run({ jobId: b }),
      runner.run({ jobId: a }),
    ]);
    const events = await userCreatedEvents(fresh);
    expect(events).toHaveLength(12);
    expect(new Set(events.map((e) => e.resource_id)).size).toBe(12);
    expect(events.every((e) => e.actor_id === teacher.id && e.actor_role === 'instructor')).toBe(
      true,
    );
    expect(await enrolledIds(course.id)).toHaveLength(12);
  });

  it('leaves unknown emails as row errors without createMissingUsers', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const unknown = `ghost-${randomUUID().slice(0, 8)}@example.com`;
    const res = await bulkCsv(teacher, course.id, `email\n${unknown}\n`);
    const job = await finished(teacher, res.body.data.jobId as string);
    expect(job.progress).toEqual({ total: 1, processed: 1, succeeded: 0, failed: 1 });
    const users = await t.dataSource.query<unknown[]>(`SELECT 1 FROM users WHERE email = $1`, [
      unknown,
    ]);
    expect(users).toHaveLength(0);
  });

  it('reactivates dropped enrollments', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const student = await createUser(t, 'student');
    const enrollment = await t.http
      .post(`${API}/enrollments`)
      .set(...bearer(student))
      .send({ courseId: course.id })
      .expect(201);
    await t.http
      .delete(`${API}/enrollments/${enrollment.body.data.id}`)
      .set(...bearer(student))
      .expect(204);
    const res = await bulkJson(admin, course.id, { emails: [student.email] }).expect(202);
    const job = await finished(admin, res.body.data.jobId as string);
    expect(job.progress.succeeded).toBe(1);
    const [row] = await t.dataSource.query<Array<{ status: string }>>(
      `SELECT status FROM enrollments WHERE id = $1`,
      [enrollment.body.data.id],
    );
    expect(row.status).toBe('active');
  });

  it('is for the course’s instructor and admins; a job is visible to who started it and admins', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const student = await createUser(t, 'student');
    expectError(
      await bulkJson(student, course.id, { emails: ['a@example.com'] }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await bulkJson(otherTeacher, course.id, { emails: ['a@example.com'] }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await bulkJson(admin, randomUUID(), { emails: ['a@example.com'] }),
      404,
      'NOT_FOUND',
    );
    const res = await bulkJson(teacher, course.id, { emails: [student.email] }).expect(202);
    const jobId = res.body.data.jobId as string;
    await finished(teacher, jobId);
    expectError(await getJob(otherTeacher, jobId), 404, 'NOT_FOUND');
    expectError(await getJob(student, jobId), 404, 'NOT_FOUND');
    expect((await getJob(admin, jobId).expect(200)).body.data.id).toBe(jobId);
    expectError(await getJob(admin, randomUUID()), 404, 'NOT_FOUND');
  });

  it('refuses bad input with 422 and creates no job', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const count = async () =>
      (
        await t.dataSource.query<Array<{ n: number }>>(
          `SELECT count(*)::int AS n FROM jobs WHERE course_id = $1`,
          [course.id],
        )
      )[0].n;
    expectValidationError(await bulkJson(teacher, course.id, { emails: [] }), 'emails');
    expectValidationError(await bulkJson(teacher, course.id, {}), 'emails');
    expectValidationError(await bulkJson(teacher, course.id, { emails: [1] }), 'emails');
    expectValidationError(
      await bulkJson(teacher, course.id, { emails: ['a@example.com'], extra: 1 }),
    );
    const tooMany = Array.from({ length: 50_001 }, (_, i) => `s${i}@example.com`);
    expectValidationError(await bulkJson(teacher, course.id, { emails: tooMany }), 'emails');
    expectValidationError(await bulkCsv(teacher, course.id, 'name\nAda\n'), 'file');
    expectValidationError(
      await bulkCsv(teacher, course.id, 'email\n"unclosed@example.com\n'),
      'file',
    );
    expectValidationError(await bulkCsv(teacher, course.id, 'email\n'), 'file');
    expectValidationError(
      await t.http
        .post(`${API}/courses/${course.id}/enrollments/bulk`)
        .set(...bearer(teacher))
        .field('createMissingUsers', 'true'),
      'file',
    );
    expect(await count()).toBe(0);
  });

  it('takes 50,000 emails as JSON (over the general 1 MB body limit) and replays with an Idempotency-Key', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const student = await createUser(t, 'student');
    const key = randomUUID();
    const body = {
      emails: [
        student.email,
        ...Array.from({ length: 49_999 }, (_, i) => `unknown-student-${i}@nowhere`),
      ],
    };
    expect(JSON.stringify(body).length).toBeGreaterThan(1024 * 1024);
    const first = await bulkJson(teacher, course.id, body).set('Idempotency-Key', key);
    expect(first.status).toBe(202);
    const replay = await bulkJson(teacher, course.id, body).set('Idempotency-Key', key);
    expect(replay.status).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.data.jobId).toBe(first.body.data.jobId);
    const job = await finished(teacher, first.body.data.jobId as string);
    expect(job.progress).toEqual({
      total: 50_000,
      processed: 50_000,
      succeeded: 1,
      failed: 49_999,
    });
    expect(job.errors).toHaveLength(1_000);
    expect(job.errors[0]).toEqual({
      row: 2,
      email: 'unknown-student-0@nowhere',
      message: 'Not a valid email address',
    });
    expect(await enrolledIds(course.id)).toEqual([student.id]);
  });

  it('resumes a retried job after its last committed batch (progress is written per batch)', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const [before, after] = await Promise.all([createUser(t, 'student'), createUser(t, 'student')]);
    // As a worker leaves it when it dies after the first batch of 1,000 rows committed.
    const [{ id: jobId }] = await t.dataSource.query<Array<{ id: string }>>(
      `INSERT INTO jobs (type, status, created_by_id, course_id, total, processed, succeeded, failed)
       VALUES ('bulk_enrollment', 'failed', $1, $2, 1001, 1000, 1000, 0) RETURNING id`,
      [teacher.id, course.id],
    );
    await t.dataSource.query(
      `INSERT INTO job_rows (job_id, row, email)
       SELECT $1, i, CASE WHEN i = 1001 THEN $3 ELSE $2 END FROM generate_series(1, 1001) AS i`,
      [jobId, before.email, after.email],
    );
    await t.app.get(BulkEnrollmentRunner).run({ jobId });
    const job = (await getJob(teacher, jobId).expect(200)).body.data as JobBody;
    expect(job).toMatchObject({
      status: 'succeeded',
      progress: { total: 1001, processed: 1001, succeeded: 1001, failed: 0 },
    });
    // Rows 1-1,000 were done before the retry: not run again.
    expect(await enrolledIds(course.id)).toEqual([after.id]);
    // A finished job is not run again.
    await t.app.get(BulkEnrollmentRunner).run({ jobId });
    expect((await getJob(teacher, jobId).expect(200)).body.data.progress.processed).toBe(1001);
  });

  /** A queued job of these rows, inserted as the API would (not relayed: run by the test). */
  async function queuedJob(
    courseId: string,
    emails: string[],
    createMissingUsers = false,
  ): Promise<string> {
    const [{ id }] = await t.dataSource.query<Array<{ id: string }>>(
      `INSERT INTO jobs (type, created_by_id, course_id, total, create_missing_users)
       VALUES ('bulk_enrollment', $1, $2, $3, $4) RETURNING id`,
      [teacher.id, courseId, emails.length, createMissingUsers],
    );
    await t.dataSource.query(
      `INSERT INTO job_rows (job_id, row, email)
       SELECT $1, r, e FROM unnest($2::text[]) WITH ORDINALITY AS v(e, r)`,
      [id, emails],
    );
    return id;
  }

  it('counts every row once when two runners get the same job (a stalled job handed out again)', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const students = await Promise.all([1, 2, 3, 4, 5].map(() => createUser(t, 'student')));
    const emails = [
      ...students.map((s) => s.email),
      ...Array.from({ length: 2_495 }, (_, i) => `bad-${i}`),
    ];
    const jobId = await queuedJob(course.id, emails);
    const runner = t.app.get(BulkEnrollmentRunner);
    await Promise.all([runner.run({ jobId }), runner.run({ jobId })]);
    const job = (await getJob(teacher, jobId).expect(200)).body.data as JobBody;
    expect(job).toMatchObject({
      status: 'succeeded',
      progress: { total: 2_500, processed: 2_500, succeeded: 5, failed: 2_495 },
    });
    expect(job.errors).toHaveLength(1_000);
    expect(job.errors.map((e) => e.row)).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 6));
    expect(await enrolledIds(course.id)).toEqual(students.map((s) => s.id).sort());
    expect(await createdEvents(course.id)).toBe(5);
  });

  it('enrolls each student once when two jobs with overlapping rows run in parallel', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const students = await Promise.all(Array.from({ length: 12 }, () => createUser(t, 'student')));
    const emails = students.map((s) => s.email);
    const [a, b] = await Promise.all([
      queuedJob(course.id, emails.slice(0, 8)),
      queuedJob(course.id, emails.slice(4)),
    ]);
    const runner = t.app.get(BulkEnrollmentRunner);
    await Promise.all([runner.run({ jobId: a }), runner.run({ jobId: b })]);
    for (const id of [a, b]) {
      const job = (await getJob(teacher, id).expect(200)).body.data as JobBody;
      expect(job).toMatchObject({
        status: 'succeeded',
        progress: { total: 8, processed: 8, succeeded: 8, failed: 0 },
      });
    }
    expect(await enrolledIds(course.id)).toEqual(students.map((s) => s.id).sort());
    expect(await createdEvents(course.id)).toBe(12);
  });

  it('runs on the imports queue of a real BullMQ worker, the rows never in the job payload', async () => {
    const api = await createTestApp({ JOBS_INLINE: 'false' });
    const worker = await createTestWorker(api.env);
    try {
      const owner = await createUser(api, 'instructor');
      const course = await createCourse(api, owner, { lessons: 1, publish: true });
      const students = await Promise.all([1, 2, 3].map(() => createUser(api, 'student')));
      const res = await api.http
        .post(`${API}/courses/${course.id}/enrollments/bulk`)
        .set(...bearer(owner))
        .attach(
          'file',
          Buffer.from(`email\n${students.map((s) => s.email).join('\n')}\nnope\n`),
          'students.csv',
        )
        .expect(202);
      const jobId = res.body.data.jobId as string;
      const [queued] = await api.dataSource.query<Array<{ queue: string; payload: object }>>(
        `SELECT queue, payload FROM outbox_messages WHERE payload->>'jobId' = $1`,
        [jobId],
      );
      expect(queued).toEqual({ queue: 'imports', payload: { jobId } });
      const job = await pollUntil(
        async () => {
          const body = (await api.http.get(`${API}/jobs/${jobId}`).set(...bearer(owner))).body
            .data as JobBody;
          return body.status === 'succeeded' ? body : null;
        },
        { timeoutMs: 30_000, what: 'the worker to run the job' },
      );
      expect(job.progress).toEqual({ total: 4, processed: 4, succeeded: 3, failed: 1 });
      const [row] = await api.dataSource.query<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM enrollments WHERE course_id = $1`,
        [course.id],
      );
      expect(row.n).toBe(3);
    } finally {
      await worker.close();
      await api.close();
    }
  });
});
