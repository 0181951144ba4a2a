import { rm } from 'node:fs/promises';
import type { Response } from 'supertest';
import type { DomainEvent } from '../../src/infra/outbox/domain-event';
import { DomainEventDispatcher } from '../../src/infra/outbox/domain-event.dispatcher';
import { NotificationEvents } from '../../src/modules/notifications/notification-events';
import { createAssignment, gradeSubmission, submitText } from '../factories/assignments.factory';
import { createCourse } from '../factories/courses.factory';
import { completeLessons, enroll } from '../factories/enrollments.factory';
import { createQuiz } from '../factories/quizzes.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { API, ISO_DATE, UNKNOWN_ID } from '../utils/contract';
import type { components } from '../utils/contract';
import { expectError, expectValidationError } from '../utils/expectations';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { pollUntil } from '../utils/poll';
import { createTestApp, TestApp } from '../utils/test-app';

type NotificationBody = components['schemas']['NotificationResponse'];
const HOUR_MS = 3_600_000;

describe('Notifications (e2e)', () => {
  let t: TestApp;
  let teacher: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ JOBS_INLINE: 'true', OUTBOX_POLL_INTERVAL_MS: '100' });
    teacher = await createUser(t, 'instructor');
  });
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  const list = (user: TestUser, query: Record<string, unknown> = {}) =>
    t.http
      .get(`${API}/notifications`)
      .query({ pageSize: 100, ...query })
      .set(...bearer(user));
  const items = (res: Response) => (res.body as { data: NotificationBody[] }).data;

  /** The user's notifications of `type` once at least `count` exist (newest first). */
  async function notificationsOf(user: TestUser, type: string, count = 1) {
    return pollUntil(
      async () => {
        const found = items(await list(user)).filter((n) => n.type === type);
        return found.length >= count && found;
      },
      { what: `${count} ${type} notification(s)` },
    );
  }

  /** Rows per (user, type), straight from the table: duplicates would show here. */
  async function rowCount(userId: string, type: string): Promise<number> {
    const [{ count }] = await t.dataSource.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM notifications WHERE user_id = $1 AND type = $2',
      [userId, type],
    );
    return count;
  }

  /** Waits until the outbox has nothing left to relay. */
  const outboxDrained = () =>
    pollUntil(
      async () => {
        const [{ unsent }] = await t.dataSource.query<Array<{ unsent: number }>>(
          'SELECT count(*)::int AS unsent FROM outbox_messages WHERE sent_at IS NULL',
        );
        return unsent === 0;
      },
      { what: 'the outbox to drain' },
    );

  /** The domain events of `type` written to the outbox about `resourceId`. */
  async function eventsAbout(type: string, resourceId: string): Promise<DomainEvent[]> {
    const rows = await t.dataSource.query<Array<{ payload: DomainEvent }>>(
      `SELECT payload FROM outbox_messages
        WHERE name = 'domain-event' AND payload->>'type' = $1 AND payload->'data'->>'id' = $2`,
      [type, resourceId],
    );
    return rows.map((row) => row.payload);
  }

  /** Delivers an event again, three times at once, as retries and a second worker would. */
  async function redeliver(event: DomainEvent): Promise<void> {
    const dispatcher = t.app.get(DomainEventDispatcher);
    await Promise.all([1, 2, 3].map(() => dispatcher.dispatch(event)));
  }

  async function enrolledStudent(courseId: string): Promise<TestUser> {
    const student = await createUser(t, 'student');
    await enroll(t, student, courseId);
    return student;
  }

  describe('list, read, read-all and access', () => {
    let ana: TestUser;
    let ben: TestUser;
    let first: NotificationBody;

    beforeAll(async () => {
      const course = await createCourse(t, teacher, { lessons: 1, publish: true });
      [ana, ben] = [await enrolledStudent(course.id), await enrolledStudent(course.id)];
      // One after the other, so that "newest first" has one answer.
      await createAssignment(t, teacher, course.id, { title: 'First essay' });
      [first] = await notificationsOf(ana, 'assignment.published');
      await createAssignment(t, teacher, course.id, { title: 'Second essay' });
      await notificationsOf(ana, 'assignment.published', 2);
      await notificationsOf(ben, 'assignment.published', 2);
    });

    it('lists my notifications newest first, paginated, in the contract’s shape', async () => {
      const res = await list(ana, { pageSize: 1 });
      expect(res.status).toBe(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/notifications');
      expect(res.body.meta).toEqual({ page: 1, pageSize: 1, total: 2, totalPages: 2 });
      expect(items(res)).toEqual([
        {
          id: expect.any(String),
          type: 'assignment.published',
          title: 'New assignment: Second essay',
          body: 'No due date.',
          resourceType: 'assignment',
          resourceId: expect.any(String),
          createdAt: expect.stringMatching(ISO_DATE),
          readAt: null,
        },
      ]);
      expect(first).toMatchObject({ title: 'New assignment: First essay', readAt: null });
    });

    it('marks one read (idempotently), filters by unread, and 404s another user’s', async () => {
      const read = await t.http.post(`${API}/notifications/${first.id}/read`).set(...bearer(ana));
      expect(read.status).toBe(200);
      expectMatchesOpenApi(read, 'post', '/api/v1/notifications/{id}/read');
      const readAt = (read.body as { data: NotificationBody }).data.readAt;
      expect(readAt).toMatch(ISO_DATE);
      const again = await t.http.post(`${API}/notifications/${first.id}/read`).set(...bearer(ana));
      expect((again.body as { data: NotificationBody }).data.readAt).toBe(readAt);

      expect(items(await list(ana, { unread: true })).map((n) => n.id)).not.toContain(first.id);
      expect(items(await list(ana, { unread: false })).map((n) => n.id)).toEqual([first.id]);

      // Ben may neither read nor mark Ana's notification: 404, and it stays as it was.
      expectError(
        await t.http.post(`${API}/notifications/${first.id}/read`).set(...bearer(ben)),
        404,
        'NOT_FOUND',
      );
      const [unreadOfBen] = items(await list(ben, { unread: true }));
      expectError(
        await t.http.post(`${API}/notifications/${unreadOfBen.id}/read`).set(...bearer(ana)),
        404,
        'NOT_FOUND',
      );
      expect(items(await list(ben, { unread: true }))).toHaveLength(2);
      expectError(
        await t.http.post(`${API}/notifications/${UNKNOWN_ID}/read`).set(...bearer(ana)),
        404,
        'NOT_FOUND',
      );
      expectValidationError(
        await t.http.post(`${API}/notifications/not-a-uuid/read`).set(...bearer(ana)),
        'id',
      );
      expectValidationError(await list(ana, { unread: 'maybe' }), 'unread');
    });

    it('gives parallel reads of one notification the same readAt', async () => {
      const [target] = items(await list(ben, { unread: true }));
      const reads = await Promise.all(
        [1, 2, 3, 4, 5].map(() =>
          t.http.post(`${API}/notifications/${target.id}/read`).set(...bearer(ben)),
        ),
      );
      expect(reads.map((res) => res.status)).toEqual([200, 200, 200, 200, 200]);
      const stamps = new Set(
        reads.map((res) => (res.body as { data: NotificationBody }).data.readAt),
      );
      expect(stamps.size).toBe(1);
      expect(items(await list(ben, { unread: true }))).toHaveLength(1);
    });

    it('marks all mine read with 204, and only mine', async () => {
      const res = await t.http.post(`${API}/notifications/read-all`).set(...bearer(ana));
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(items(await list(ana, { unread: true }))).toEqual([]);
      expect(items(await list(ben, { unread: true }))).toHaveLength(1);
    });

    it('answers 401 in the error envelope without a token or with an invalid one, the stream too', async () => {
      for (const res of [
        await t.http.get(`${API}/notifications`),
        await t.http.post(`${API}/notifications/read-all`),
        await t.http.post(`${API}/notifications/${first.id}/read`),
        await t.http.get(`${API}/notifications/stream`),
      ]) {
        expectError(res, 401, 'UNAUTHORIZED');
      }
      const forged = await t.http
        .get(`${API}/notifications/stream`)
        .set('Authorization', 'Bearer not-a-jwt');
      expectError(forged, 401, 'INVALID_TOKEN');
      expect(forged.type).toBe('application/json');
    });
  });

  describe('each kind is created once', () => {
    let courseId: string;
    beforeAll(async () => {
      courseId = (await createCourse(t, teacher, { lessons: 1, publish: true })).id;
    });

    it('assignment.published: once per enrolled student, whatever the parallel publishes and job runs', async () => {
      const [ana, ben] = [await enrolledStudent(courseId), await enrolledStudent(courseId)];
      const outsider = await createUser(t, 'student');
      const draft = await createAssignment(
        t,
        teacher,
        courseId,
        { title: 'Parallel', dueAt: '2031-03-04T05:06:00.000Z' },
        { publish: false },
      );
      const publishes = await Promise.all(
        [1, 2, 3, 4].map(() =>
          t.http.post(`${API}/assignments/${draft.id}/publish`).set(...bearer(teacher)),
        ),
      );
      expect(publishes.map((res) => res.status)).toEqual([200, 200, 200, 200]);
      const [notification] = await notificationsOf(ana, 'assignment.published');
      expect(notification).toMatchObject({
        title: 'New assignment: Parallel',
        body: 'Due 2031-03-04 05:06 UTC.',
        resourceType: 'assignment',
        resourceId: draft.id,
      });
      await notificationsOf(ben, 'assignment.published');
      // The job again, twice at once: nothing new.
      const events = t.app.get(NotificationEvents);
      const payload = { assignmentId: draft.id, courseId, title: 'Parallel', dueAt: null };
      await Promise.all([events.assignmentPublished(payload), events.assignmentPublished(payload)]);
      await outboxDrained();
      expect(await rowCount(ana.id, 'assignment.published')).toBe(1);
      expect(await rowCount(ben.id, 'assignment.published')).toBe(1);
      expect(await rowCount(outsider.id, 'assignment.published')).toBe(0);
      expect(await rowCount(teacher.id, 'assignment.published')).toBe(0);
    });

    it('assignment.submitted to the course owner and submission.graded to the student, once per event', async () => {
      const student = await enrolledStudent(courseId);
      const assignment = await createAssignment(t, teacher, courseId, {
        title: 'Graded work',
        maxPoints: 20,
      });
      const submission = await submitText(t, student, assignment.id);
      await gradeSubmission(t, teacher, submission.id, { score: 15 });

      const submitted = await pollUntil(
        async () => {
          const found = items(await list(teacher)).filter((n) => n.resourceId === submission.id);
          return found.length > 0 && found;
        },
        { what: 'the assignment.submitted notification' },
      );
      expect(submitted).toEqual([
        expect.objectContaining({
          title: 'New submission: Graded work',
          body: `${student.fullName} submitted version 1.`,
          resourceType: 'submission',
        }),
      ]);
      const [graded] = await notificationsOf(student, 'submission.graded');
      expect(graded).toMatchObject({
        title: 'Graded: Graded work',
        body: 'Version 1 of your submission: 15 / 20 points.',
        resourceType: 'submission',
        resourceId: submission.id,
      });

      await outboxDrained();
      const [submittedEvent] = await eventsAbout('assignment.submitted', submission.id);
      const [gradedEvent] = await eventsAbout('submission.graded', submission.id);
      await Promise.all([redeliver(submittedEvent), redeliver(gradedEvent)]);
      expect(items(await list(teacher)).filter((n) => n.resourceId === submission.id)).toHaveLength(
        1,
      );
      expect(await rowCount(student.id, 'submission.graded')).toBe(1);

      // A regrade is a new event: a second notification, as it is a second mail.
      await gradeSubmission(t, teacher, submission.id, { score: 18 });
      const regraded = await notificationsOf(student, 'submission.graded', 2);
      expect(regraded[0].body).toBe('Version 1 of your submission: 18 / 20 points.');
    });

    it('attempt.graded: to the student once a person grades the essays, once per event', async () => {
      const student = await enrolledStudent(courseId);
      const quiz = await createQuiz(t, teacher, courseId, { title: 'Essays' }, [
        { text: 'Explain', type: 'essay', points: 4 },
      ]);
      const started = await t.http
        .post(`${API}/quizzes/${quiz.id}/attempts`)
        .set(...bearer(student))
        .expect(201);
      const attemptId = (started.body as { data: { attempt: { id: string } } }).data.attempt.id;
      await t.http
        .post(`${API}/attempts/${attemptId}/submit`)
        .set(...bearer(student))
        .send({ answers: [{ questionId: quiz.questions[0].id, answer: 'Because.' }] })
        .expect(200);
      await outboxDrained();
      // Submitted with an essay: pending, nothing to tell the student yet.
      expect(await rowCount(student.id, 'attempt.graded')).toBe(0);

      await t.http
        .post(`${API}/attempts/${attemptId}/grade`)
        .set(...bearer(teacher))
        .send({ grades: [{ questionId: quiz.questions[0].id, pointsAwarded: 3 }] })
        .expect(200);
      const [graded] = await notificationsOf(student, 'attempt.graded');
      expect(graded).toMatchObject({
        title: 'Your quiz attempt was graded',
        body: 'Attempt 1: 75 %, passed.',
        resourceType: 'attempt',
        resourceId: attemptId,
      });
      await outboxDrained();
      const [event] = await eventsAbout('quiz.attempt.graded', attemptId);
      await redeliver(event);
      expect(await rowCount(student.id, 'attempt.graded')).toBe(1);
    });

    it('certificate.issued: to the student, once per event', async () => {
      const course = await createCourse(t, teacher, { lessons: 1, publish: true });
      const student = await createUser(t, 'student');
      const enrollment = await enroll(t, student, course.id);
      await completeLessons(t, student, enrollment.id, course.lessonIds);
      const [issued] = await notificationsOf(student, 'certificate.issued');
      expect(issued).toMatchObject({
        title: `Certificate issued: ${course.title}`,
        body: expect.stringMatching(/^Certificate \S+ is ready to download\.$/),
        resourceType: 'certificate',
      });
      await outboxDrained();
      const [event] = await eventsAbout('certificate.issued', issued.resourceId);
      await redeliver(event);
      expect(await rowCount(student.id, 'certificate.issued')).toBe(1);
    });
  });

  describe('assignment.due_soon', () => {
    it('tells enrolled students who have not submitted, 24 h before dueAt, once whatever the runs', async () => {
      const course = await createCourse(t, teacher, { lessons: 1, publish: true });
      const [lazy, done] = [await enrolledStudent(course.id), await enrolledStudent(course.id)];
      const outsider = await createUser(t, 'student');
      const soon = await createAssignment(t, teacher, course.id, {
        title: 'Due tomorrow',
        dueAt: new Date(Date.now() + 20 * HOUR_MS).toISOString(),
      });
      await createAssignment(t, teacher, course.id, {
        title: 'Due later',
        dueAt: new Date(Date.now() + 30 * HOUR_MS).toISOString(),
      });
      await createAssignment(
        t,
        teacher,
        course.id,
        { title: 'Unpublished', dueAt: new Date(Date.now() + 20 * HOUR_MS).toISOString() },
        { publish: false },
      );
      await submitText(t, done, soon.id);

      const events = t.app.get(NotificationEvents);
      await Promise.all([events.dueSoon(), events.dueSoon(), events.dueSoon()]);
      await events.dueSoon();

      const due = items(await list(lazy)).filter((n) => n.type === 'assignment.due_soon');
      expect(due).toEqual([
        expect.objectContaining({
          title: 'Due soon: Due tomorrow',
          resourceType: 'assignment',
          resourceId: soon.id,
          body: expect.stringMatching(/^Due \d{4}-\d\d-\d\d \d\d:\d\d UTC$/),
        }),
      ]);
      expect(await rowCount(lazy.id, 'assignment.due_soon')).toBe(1);
      expect(await rowCount(done.id, 'assignment.due_soon')).toBe(0);
      expect(await rowCount(outsider.id, 'assignment.due_soon')).toBe(0);
    });
  });
});
