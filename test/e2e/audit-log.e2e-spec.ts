import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { generateSync } from 'otplib';
import type { Response } from 'supertest';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { bearer, createUser, DEFAULT_PASSWORD, TestUser } from '../factories/users.factory';
import { createCourse, TestCourse } from '../factories/courses.factory';
import { completeLessons, enroll } from '../factories/enrollments.factory';
import { createQuiz } from '../factories/quizzes.factory';
import { API, ISO_DATE, Schemas, UUID } from '../utils/contract';
import { expectError, expectValidationError } from '../utils/expectations';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { createTestApp, TestApp } from '../utils/test-app';

type AuditEventBody = Schemas['AuditEventResponse'];

/**
 * The audit log: one event per audited change, written in the change's transaction, with actor,
 * request id and IP of the request; the table refuses UPDATE and DELETE. Jobs are not inline, so
 * certificates are issued only when a test asks for one.
 */
describe('Audit log (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let teacher: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ JOBS_INLINE: 'false', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
    admin = await createUser(t, 'admin');
    teacher = await createUser(t, 'instructor');
  });
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  const listEvents = (query: Record<string, string | number>, as: TestUser = admin) =>
    t.http
      .get(`${API}/audit-events`)
      .query(query)
      .set(...bearer(as));

  async function eventsOf(resourceId: string, action?: string): Promise<AuditEventBody[]> {
    const res = await listEvents({ resourceId, pageSize: 100, ...(action ? { action } : {}) });
    expect(res.status).toBe(200);
    return res.body.data as AuditEventBody[];
  }

  /** Exactly one event of `action` on `resourceId`, by `actor`, from the request `res`. */
  async function expectOneEvent(
    res: Response,
    action: string,
    resourceType: string,
    resourceId: string,
    actor: TestUser | { id: string; role: string } | null,
    changes: Record<string, unknown> = {},
  ): Promise<AuditEventBody> {
    const events = await eventsOf(resourceId, action);
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual({
      id: expect.stringMatching(UUID),
      occurredAt: expect.stringMatching(ISO_DATE),
      actor: actor ? { id: actor.id, role: actor.role } : null,
      action,
      resourceType,
      resourceId,
      requestId: res.headers['x-request-id'],
      ip: expect.stringMatching(/\S/),
      changes,
    });
    return events[0];
  }

  const post = (user: TestUser, path: string, body: object = {}) =>
    t.http
      .post(`${API}${path}`)
      .set(...bearer(user))
      .send(body);

  async function certificateOf(course: TestCourse & { lessonIds: string[] }) {
    const student = await createUser(t, 'student');
    const enrollment = await enroll(t, student, course.id);
    await completeLessons(t, student, enrollment.id, course.lessonIds);
    const res = await post(student, '/certificates/generate', { enrollmentId: enrollment.id });
    expect(res.status).toBe(201);
    return res.body.data as Schemas['CertificateResponse'];
  }

  describe('each audited action writes exactly one event', () => {
    it('user.created by an admin, with email and role (no password or hash)', async () => {
      const email = `created-${randomUUID().slice(0, 8)}@example.com`;
      const res = await post(admin, '/users', {
        email,
        password: DEFAULT_PASSWORD,
        fullName: 'New One',
        role: 'instructor',
      });
      expect(res.status).toBe(201);
      const event = await expectOneEvent(res, 'user.created', 'user', res.body.data.id, admin, {
        email,
        role: 'instructor',
      });
      expect(JSON.stringify(event)).not.toMatch(/argon2|Passw0rd/);
    });

    it('user.created by a registration, acted by the new account', async () => {
      const email = `reg-${randomUUID().slice(0, 8)}@example.com`;
      const res = await t.http
        .post(`${API}/auth/register`)
        .send({ email, password: DEFAULT_PASSWORD, fullName: 'Self Made' });
      expect(res.status).toBe(201);
      const id = res.body.data.user.id as string;
      await expectOneEvent(
        res,
        'user.created',
        'user',
        id,
        { id, role: 'student' },
        {
          email,
          role: 'student',
        },
      );
    });

    it('user.updated for role and isActive changes, with from/to; a name change alone writes none', async () => {
      const user = await createUser(t, 'student');
      const rename = await t.http
        .patch(`${API}/users/${user.id}`)
        .set(...bearer(admin))
        .send({ fullName: 'Renamed' });
      expect(rename.status).toBe(200);
      expect(await eventsOf(user.id, 'user.updated')).toHaveLength(0);
      const res = await t.http
        .patch(`${API}/users/${user.id}`)
        .set(...bearer(admin))
        .send({ role: 'instructor', isActive: false });
      expect(res.status).toBe(200);
      await expectOneEvent(res, 'user.updated', 'user', user.id, admin, {
        role: { from: 'student', to: 'instructor' },
        isActive: { from: true, to: false },
      });
    });

    it('user.deleted', async () => {
      const user = await createUser(t, 'student');
      const res = await t.http.delete(`${API}/users/${user.id}`).set(...bearer(admin));
      expect(res.status).toBe(204);
      await expectOneEvent(res, 'user.deleted', 'user', user.id, admin);
    });

    it('course.published, course.unpublished and course.deleted, by the owner', async () => {
      const course = await createCourse(t, teacher, { lessons: 1 });
      const published = await post(teacher, `/courses/${course.id}/publish`);
      expect(published.status).toBe(200);
      await expectOneEvent(published, 'course.published', 'course', course.id, teacher);
      const unpublished = await post(teacher, `/courses/${course.id}/unpublish`);
      expect(unpublished.status).toBe(200);
      await expectOneEvent(unpublished, 'course.unpublished', 'course', course.id, teacher);
      const deleted = await t.http.delete(`${API}/courses/${course.id}`).set(...bearer(teacher));
      expect(deleted.status).toBe(204);
      await expectOneEvent(deleted, 'course.deleted', 'course', course.id, teacher, {
        title: course.title,
        slug: course.slug,
      });
    });

    it('certificate.revoked', async () => {
      const course = await createCourse(t, teacher, { lessons: 1, publish: true });
      const certificate = await certificateOf(course);
      const res = await post(admin, `/certificates/${certificate.id}/revoke`);
      expect(res.status).toBe(200);
      await expectOneEvent(res, 'certificate.revoked', 'certificate', certificate.id, admin);
    });

    it('submission.graded, with the score it replaced; an identical regrade writes none', async () => {
      const course = await createCourse(t, teacher, { lessons: 1, publish: true });
      const assignment = await post(teacher, `/courses/${course.id}/assignments`, {
        title: 'Essay',
        submissionTypes: ['text'],
      });
      expect(assignment.status).toBe(201);
      const assignmentId = assignment.body.data.id as string;
      expect((await post(teacher, `/assignments/${assignmentId}/publish`)).status).toBe(200);
      const student = await createUser(t, 'student');
      await enroll(t, student, course.id);
      const submission = await post(student, `/assignments/${assignmentId}/submissions`, {
        text: 'My answer',
      });
      expect(submission.status).toBe(201);
      const id = submission.body.data.id as string;
      const res = await post(teacher, `/submissions/${id}/grade`, { score: 80 });
      expect(res.status).toBe(200);
      await expectOneEvent(res, 'submission.graded', 'submission', id, teacher, {
        score: { from: null, to: '80.00' },
      });
      expect((await post(teacher, `/submissions/${id}/grade`, { score: 80 })).status).toBe(200);
      expect(await eventsOf(id, 'submission.graded')).toHaveLength(1);
    });

    it('attempt.graded when a person grades the essays', async () => {
      const { attemptId, essayId } = await pendingEssayAttempt();
      const res = await post(teacher, `/attempts/${attemptId}/grade`, {
        grades: [{ questionId: essayId, pointsAwarded: 4 }],
      });
      expect(res.status).toBe(200);
      await expectOneEvent(res, 'attempt.graded', 'attempt', attemptId, teacher, {
        score: 4,
        percentage: 80,
        passed: true,
        gradingStatus: 'graded',
      });
    });

    it('webhook.created, webhook.updated and webhook.deleted, never with the secret', async () => {
      const created = await post(admin, '/webhooks', {
        url: 'http://127.0.0.1:9/hook',
        events: ['course.published'],
      });
      expect(created.status).toBe(201);
      const { id, secret } = created.body.data as { id: string; secret: string };
      const event = await expectOneEvent(created, 'webhook.created', 'webhook', id, admin, {
        url: 'http://127.0.0.1:9/hook',
        events: ['course.published'],
      });
      expect(JSON.stringify(event)).not.toContain(secret);
      const updated = await t.http
        .patch(`${API}/webhooks/${id}`)
        .set(...bearer(admin))
        .send({ isActive: false });
      expect(updated.status).toBe(200);
      await expectOneEvent(updated, 'webhook.updated', 'webhook', id, admin, { isActive: false });
      const deleted = await t.http.delete(`${API}/webhooks/${id}`).set(...bearer(admin));
      expect(deleted.status).toBe(204);
      await expectOneEvent(deleted, 'webhook.deleted', 'webhook', id, admin, {
        url: 'http://127.0.0.1:9/hook',
      });
    });

    it('lti.tool.created and lti.tool.deleted; a clientId clash writes none', async () => {
      const body = {
        name: 'Audited tool',
        clientId: `client-${randomUUID()}`,
        loginInitiationUrl: 'https://tool.example.com/login',
        redirectUrls: ['https://tool.example.com/launch'],
        jwksUrl: 'https://tool.example.com/keys',
      };
      const created = await post(admin, '/lti/tools', body);
      expect(created.status).toBe(201);
      const id = created.body.data.id as string;
      await expectOneEvent(created, 'lti.tool.created', 'lti_tool', id, admin, {
        name: 'Audited tool',
        clientId: body.clientId,
      });
      const clash = await post(admin, '/lti/tools', { ...body, name: 'Clash' });
      expectError(clash, 409, 'LTI_CLIENT_ID_TAKEN');
      const created2 = await listEvents({ action: 'lti.tool.created', actorId: admin.id });
      expect((created2.body.data as AuditEventBody[]).map((e) => e.changes)).not.toContainEqual(
        expect.objectContaining({ name: 'Clash' }),
      );
      const deleted = await t.http.delete(`${API}/lti/tools/${id}`).set(...bearer(admin));
      expect(deleted.status).toBe(204);
      await expectOneEvent(deleted, 'lti.tool.deleted', 'lti_tool', id, admin);
    });

    it('auth.mfa.enabled and auth.mfa.disabled, never with the secret', async () => {
      const user = await createUser(t, 'student');
      const setup = await post(user, '/auth/mfa/setup', { password: user.password });
      expect(setup.status).toBe(200);
      const secret = setup.body.data.secret as string;
      // A code works once: disabling uses the next period's (within the tolerance of one).
      const period = Math.floor(Date.now() / 30_000) * 30;
      const code = (offset = 0) => generateSync({ secret, epoch: period + offset });
      const enabled = await post(user, '/auth/mfa/enable', { code: code() });
      expect(enabled.status).toBe(200);
      await expectOneEvent(enabled, 'auth.mfa.enabled', 'user', user.id, user);
      const disabled = await post(user, '/auth/mfa/disable', {
        password: user.password,
        code: code(30),
      });
      expect(disabled.status).toBe(200);
      await expectOneEvent(disabled, 'auth.mfa.disabled', 'user', user.id, user);
      const all = await eventsOf(user.id);
      expect(JSON.stringify(all)).not.toContain(secret);
    });

    it('auth.password.changed', async () => {
      const user = await createUser(t, 'student');
      const res = await post(user, '/users/me/password', {
        currentPassword: user.password,
        newPassword: 'An0ther-passw0rd!',
      });
      expect(res.status).toBe(204);
      await expectOneEvent(res, 'auth.password.changed', 'user', user.id, user);
    });
  });

  async function pendingEssayAttempt() {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const quiz = await createQuiz(t, teacher, course.id, { passingScorePercentage: 50 }, [
      { text: 'Why?', type: 'essay', points: 5 },
    ]);
    const student = await createUser(t, 'student');
    await enroll(t, student, course.id);
    const started = await post(student, `/quizzes/${quiz.id}/attempts`);
    expect(started.status).toBe(201);
    const attemptId = started.body.data.attempt.id as string;
    const essayId = quiz.questions[0].id;
    const submitted = await post(student, `/attempts/${attemptId}/submit`, {
      answers: [{ questionId: essayId, answer: 'Because.' }],
    });
    expect(submitted.status).toBe(200);
    return { attemptId, essayId };
  }

  describe('in the transaction of the change', () => {
    it('a grading that fails after its event was written leaves no event (and no grade)', async () => {
      const { attemptId, essayId } = await pendingEssayAttempt();
      // The outbox write comes after the audit event in the same transaction: make it fail.
      await t.dataSource.query(`
        CREATE FUNCTION refuse_graded_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.payload->>'type' = 'quiz.attempt.graded' THEN
            RAISE EXCEPTION 'refused by the test';
          END IF;
          RETURN NEW;
        END $$`);
      await t.dataSource.query(`
        CREATE TRIGGER refuse_graded_event BEFORE INSERT ON outbox_messages
          FOR EACH ROW EXECUTE FUNCTION refuse_graded_event()`);
      try {
        const failed = await post(teacher, `/attempts/${attemptId}/grade`, {
          grades: [{ questionId: essayId, pointsAwarded: 4 }],
        });
        expectError(failed, 500, 'INTERNAL_ERROR');
      } finally {
        await t.dataSource.query('DROP TRIGGER refuse_graded_event ON outbox_messages');
        await t.dataSource.query('DROP FUNCTION refuse_graded_event()');
      }
      expect(await eventsOf(attemptId)).toHaveLength(0);
      const [row] = await t.dataSource.query<Array<{ grading_status: string }>>(
        'SELECT grading_status FROM quiz_attempts WHERE id = $1',
        [attemptId],
      );
      expect(row.grading_status).toBe('pending');

      const retried = await post(teacher, `/attempts/${attemptId}/grade`, {
        grades: [{ questionId: essayId, pointsAwarded: 4 }],
      });
      expect(retried.status).toBe(200);
      expect(await eventsOf(attemptId, 'attempt.graded')).toHaveLength(1);
    });

    it('a publish whose event cannot be written does not happen', async () => {
      const course = await createCourse(t, teacher, { lessons: 1 });
      await t.dataSource.query(`
        CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
      await t.dataSource.query(`
        CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events
          FOR EACH ROW EXECUTE FUNCTION refuse_audit()`);
      try {
        expectError(await post(teacher, `/courses/${course.id}/publish`), 500, 'INTERNAL_ERROR');
      } finally {
        await t.dataSource.query('DROP TRIGGER refuse_audit ON audit_events');
        await t.dataSource.query('DROP FUNCTION refuse_audit()');
      }
      const [row] = await t.dataSource.query<Array<{ is_published: boolean; events: number }>>(
        `SELECT c.is_published,
                (SELECT count(*)::int FROM outbox_messages
                  WHERE payload->>'type' = 'course.published'
                    AND payload->'data'->>'id' = c.id::text) AS events
           FROM courses c WHERE c.id = $1`,
        [course.id],
      );
      expect(row).toEqual({ is_published: false, events: 0 });
    });
  });

  describe('the table is append-only', () => {
    let eventId: string;
    beforeAll(async () => {
      const course = await createCourse(t, teacher, { lessons: 1, publish: true });
      [{ id: eventId }] = await eventsOf(course.id, 'course.published');
    });

    it.each([
      ['UPDATE', `UPDATE audit_events SET action = 'course.deleted' WHERE id = $1`],
      ['UPDATE of the ip', `UPDATE audit_events SET ip = NULL WHERE id = $1`],
      ['DELETE', 'DELETE FROM audit_events WHERE id = $1'],
    ])('refuses %s in the database', async (_name, sql) => {
      await expect(t.dataSource.query(sql, [eventId])).rejects.toThrow(/append-only/);
      const [row] = await t.dataSource.query<Array<{ action: string; ip: string | null }>>(
        'SELECT action, ip FROM audit_events WHERE id = $1',
        [eventId],
      );
      expect(row.action).toBe('course.published');
      expect(row.ip).not.toBeNull();
    });

    it('refuses TRUNCATE', async () => {
      await expect(t.dataSource.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
      expect(await eventById(eventId)).toBeDefined();
    });

    it('under the erasure setting, still refuses any change but clearing ip and rewriting changes', async () => {
      const runner = t.dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        await runner.query(`SET LOCAL lms.audit_erasure = 'on'`);
        await expect(
          runner.query(`UPDATE audit_events SET action = 'x' WHERE id = $1`, [eventId]),
        ).rejects.toThrow(/append-only/);
        await runner.rollbackTransaction();
        await runner.startTransaction();
        await runner.query(`SET LOCAL lms.audit_erasure = 'on'`);
        await expect(
          runner.query(`DELETE FROM audit_events WHERE id = $1`, [eventId]),
        ).rejects.toThrow(/append-only/);
        await runner.rollbackTransaction();
        await runner.startTransaction();
        await runner.query(`SET LOCAL lms.audit_erasure = 'on'`);
        await runner.query(`UPDATE audit_events SET ip = NULL WHERE id = $1`, [eventId]);
        const rows = (await runner.query('SELECT ip FROM audit_events WHERE id = $1', [
          eventId,
        ])) as Array<{ ip: string | null }>;
        expect(rows).toEqual([{ ip: null }]);
      } finally {
        // Rolled back: this test must not erase anything for real.
        await runner.rollbackTransaction();
        await runner.release();
      }
      // The setting is transaction-local: outside it, the same update is refused again.
      await expect(
        t.dataSource.query(`UPDATE audit_events SET ip = NULL WHERE id = $1`, [eventId]),
      ).rejects.toThrow(/append-only/);
    });
  });

  async function eventById(id: string): Promise<{ resourceId: string }> {
    const [row] = await t.dataSource.query<Array<{ resourceId: string }>>(
      'SELECT resource_id AS "resourceId" FROM audit_events WHERE id = $1',
      [id],
    );
    return row;
  }

  describe('GET /audit-events', () => {
    let actor: TestUser;
    let courses: string[];
    beforeAll(async () => {
      actor = await createUser(t, 'instructor');
      courses = [];
      for (let i = 0; i < 3; i++) {
        courses.push((await createCourse(t, actor, { lessons: 1, publish: true })).id);
      }
      expect((await post(actor, `/courses/${courses[0]}/unpublish`)).status).toBe(200);
    });

    it('filters by actor, newest first, paginated with the counts', async () => {
      const res = await listEvents({ actorId: actor.id, pageSize: 3 });
      expect(res.status).toBe(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/audit-events');
      const events = res.body.data as AuditEventBody[];
      expect(events.map((e) => [e.action, e.resourceId])).toEqual([
        ['course.unpublished', courses[0]],
        ['course.published', courses[2]],
        ['course.published', courses[1]],
      ]);
      expect(res.body.meta).toEqual({ page: 1, pageSize: 3, total: 4, totalPages: 2 });
      const second = await listEvents({ actorId: actor.id, pageSize: 3, page: 2 });
      expect((second.body.data as AuditEventBody[]).map((e) => e.resourceId)).toEqual([courses[0]]);
    });

    it('filters by action, resource type and resource id together', async () => {
      const res = await listEvents({
        actorId: actor.id,
        action: 'course.published',
        resourceType: 'course',
        resourceId: courses[0],
      });
      expect((res.body.data as AuditEventBody[]).map((e) => e.action)).toEqual([
        'course.published',
      ]);
      const none = await listEvents({ actorId: actor.id, resourceType: 'user' });
      expect(none.body.meta.total).toBe(0);
    });

    it('filters by time: from and to are inclusive bounds on occurredAt', async () => {
      const all = (await listEvents({ actorId: actor.id })).body.data as AuditEventBody[];
      const middle = all[1].occurredAt;
      const from = await listEvents({ actorId: actor.id, from: middle });
      expect((from.body.data as AuditEventBody[]).map((e) => e.id)).toEqual([all[0].id, all[1].id]);
      const to = await listEvents({ actorId: actor.id, to: middle });
      expect((to.body.data as AuditEventBody[]).map((e) => e.id)).toEqual([
        all[1].id,
        all[2].id,
        all[3].id,
      ]);
    });

    it('reads a page in at most two statements (page and count), whatever its size', async () => {
      const statementsFor = async (pageSize: number) => {
        await listEvents({ pageSize }); // warms the caller's cached auth state
        const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
        const res = await listEvents({ pageSize });
        expect((res.body.data as unknown[]).length).toBeGreaterThan(Math.min(pageSize, 5) - 1);
        const count = spy.mock.calls.filter(([sql]) => /\baudit_events\b/.test(String(sql))).length;
        spy.mockRestore();
        return count;
      };
      // TypeORM skips the count when the first page is not full: one statement then.
      expect(await statementsFor(5)).toBe(2);
      expect(await statementsFor(100)).toBeLessThanOrEqual(2);
    });

    it.each([
      ['action', { action: 'course.renamed' }],
      ['resourceType', { resourceType: 'planet' }],
      ['actorId', { actorId: 'nope' }],
      ['resourceId', { resourceId: '123' }],
      ['from', { from: 'yesterday' }],
      ['to', { to: '2026-13-45T00:00:00Z' }],
      ['pageSize', { pageSize: 101 }],
    ])('answers 422 for a bad %s', async (field, query) => {
      expectValidationError(await listEvents(query), field);
    });

    it('is for admins only: 403 for instructors and students, 401 without a token', async () => {
      const student = await createUser(t, 'student');
      expectError(await listEvents({}, actor), 403, 'FORBIDDEN');
      expectError(await listEvents({}, student), 403, 'FORBIDDEN');
      const anonymous = await t.http.get(`${API}/audit-events`);
      expectError(anonymous, 401, 'UNAUTHORIZED');
    });
  });

  describe('concurrency', () => {
    it('6 parallel revocations of a certificate write exactly one event', async () => {
      const course = await createCourse(t, teacher, { lessons: 1, publish: true });
      const certificate = await certificateOf(course);
      const results = await Promise.all(
        Array.from({ length: 6 }, () => post(admin, `/certificates/${certificate.id}/revoke`)),
      );
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(await eventsOf(certificate.id, 'certificate.revoked')).toHaveLength(1);
    });

    it('6 parallel publishes of a course write exactly one event', async () => {
      const course = await createCourse(t, teacher, { lessons: 1 });
      const results = await Promise.all(
        Array.from({ length: 6 }, () => post(teacher, `/courses/${course.id}/publish`)),
      );
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(await eventsOf(course.id, 'course.published')).toHaveLength(1);
    });

    it('6 parallel identical role changes write exactly one event', async () => {
      const user = await createUser(t, 'student');
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          t.http
            .patch(`${API}/users/${user.id}`)
            .set(...bearer(admin))
            .send({ role: 'instructor' }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(await eventsOf(user.id, 'user.updated')).toHaveLength(1);
    });
  });
});
