import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { JOBS, QUEUES } from '../../src/infra/queue/queue.constants';
import { JobHandlerRegistry } from '../../src/infra/queue/job-handler.registry';
import { ExpireAttemptsProcessor } from '../../src/modules/quizzes/jobs/expire-attempts.processor';
import { createCourse } from '../factories/courses.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { createTestApp, TestApp } from '../utils/test-app';
import { API } from '../utils/contract';

/** The production default: the races below must hold without a bigger pool. */
const DEFAULT_POOL = '10';
const CLASS_SIZE = 30;

/** No answer of a burst may be a 5xx; returns the statuses for exact assertions. */
function statusesOf(responses: Response[]): number[] {
  const statuses = responses.map((res) => res.status);
  expect(statuses.filter((status) => status >= 500)).toEqual([]);
  return statuses;
}

/**
 * Races fired with Promise.all against the real PostgreSQL, with the default pool size: each state
 * transition happens once (one row, one event), counts equal the rows they count, no 5xx.
 */
describe('concurrency', () => {
  let t: TestApp;
  let teacher: TestUser;

  beforeAll(async () => {
    // No worker and jobs not inline: the side effects stay in the outbox, where they are counted
    // (and no certificate is rendered on the event loop while the race runs).
    t = await createTestApp({ DB_POOL_MAX: DEFAULT_POOL, JOBS_INLINE: 'false' });
    teacher = await createUser(t, 'instructor');
  });
  afterAll(() => t.close());

  async function students(count: number): Promise<TestUser[]> {
    const made: TestUser[] = [];
    for (let i = 0; i < count; i += 10) {
      const batch = Math.min(10, count - i);
      made.push(...(await Promise.all(Array.from({ length: batch }, () => createUser(t)))));
    }
    return made;
  }

  /** Enrolls every student and completes the given lessons for each; returns enrollment ids. */
  async function enrollAll(courseId: string, learners: TestUser[], done: string[]) {
    const ids: string[] = [];
    for (const learner of learners) {
      const res = await t.http
        .post(`${API}/enrollments`)
        .set(...bearer(learner))
        .send({ courseId })
        .expect(201);
      const id = res.body.data.id as string;
      for (const lessonId of done) {
        await t.http
          .post(`${API}/enrollments/${id}/lessons/${lessonId}/complete`)
          .set(...bearer(learner))
          .expect(200);
      }
      ids.push(id);
    }
    return ids;
  }

  const complete = (learner: TestUser, enrollmentId: string, lessonId: string) =>
    t.http
      .post(`${API}/enrollments/${enrollmentId}/lessons/${lessonId}/complete`)
      .set(...bearer(learner));

  /** Per enrollment: its row, its lesson_progress count and the completion side effects written. */
  async function ledger(courseId: string) {
    return t.dataSource.query<
      Array<{
        id: string;
        status: string;
        completed_lessons: number;
        progress_rows: number;
        completed_events: number;
        certificate_jobs: number;
        completion_mails: number;
      }>
    >(
      `SELECT e.id, e.status, e.completed_lessons,
              (SELECT count(*)::int FROM lesson_progress p WHERE p.enrollment_id = e.id) AS progress_rows,
              (SELECT count(*)::int FROM outbox_messages o
                WHERE o.name = $2 AND o.payload->>'type' = 'enrollment.completed'
                  AND o.payload->'data'->>'id' = e.id::text) AS completed_events,
              (SELECT count(*)::int FROM outbox_messages o
                WHERE o.name = $3 AND o.payload->>'enrollmentId' = e.id::text) AS certificate_jobs,
              (SELECT count(*)::int FROM outbox_messages o JOIN users u ON u.id = e.student_id
                WHERE o.name = $4 AND o.payload->>'template' = 'course-completed'
                  AND o.payload->>'to' = u.email) AS completion_mails
         FROM enrollments e WHERE e.course_id = $1`,
      [courseId, JOBS.DOMAIN_EVENT, JOBS.ISSUE_CERTIFICATE, JOBS.SEND_EMAIL],
    );
  }

  it('completes lessons of a whole class while the instructor deletes a lesson: no pool starvation, one completion each', async () => {
    const course = await createCourse(t, teacher, { lessons: 3, publish: true });
    const [first, second, third] = course.lessonIds;
    const learners = await students(CLASS_SIZE);
    const enrollments = await enrollAll(course.id, learners, [first]);

    const responses = await Promise.all([
      ...learners.map((learner, i) => complete(learner, enrollments[i], second)),
      t.http.delete(`${API}/lessons/${third}`).set(...bearer(teacher)),
    ]);

    const statuses = statusesOf(responses);
    expect(statuses.slice(0, CLASS_SIZE)).toEqual(Array(CLASS_SIZE).fill(200));
    expect(statuses[CLASS_SIZE]).toBe(204);
    const rows = await ledger(course.id);
    expect(rows).toHaveLength(CLASS_SIZE);
    for (const row of rows) {
      // Two lessons left, both done: every enrollment completed, exactly once.
      expect(row).toMatchObject({
        status: 'completed',
        completed_lessons: 2,
        progress_rows: 2,
        completed_events: 1,
        certificate_jobs: 1,
        completion_mails: 1,
      });
    }
  });

  it('decides each completion once when students finish their last lesson while a lesson is added', async () => {
    const course = await createCourse(t, teacher, { lessons: 2, publish: true });
    const [first, last] = course.lessonIds;
    const learners = await students(CLASS_SIZE);
    const enrollments = await enrollAll(course.id, learners, [first]);

    const responses = await Promise.all([
      ...learners.map((learner, i) => complete(learner, enrollments[i], last)),
      t.http
        .post(`${API}/courses/${course.id}/lessons`)
        .set(...bearer(teacher))
        .send({ title: 'Added late', contentType: 'text', content: 'More' }),
    ]);

    const statuses = statusesOf(responses);
    expect(statuses.slice(0, CLASS_SIZE)).toEqual(Array(CLASS_SIZE).fill(200));
    expect(statuses[CLASS_SIZE]).toBe(201);
    const rows = await ledger(course.id);
    for (const row of rows) {
      // Whichever came first, the count is the rows' count and the side effects match the status.
      const expected = row.status === 'completed' ? 1 : 0;
      expect(row).toMatchObject({
        completed_lessons: 2,
        progress_rows: 2,
        completed_events: expected,
        certificate_jobs: expected,
        completion_mails: expected,
      });
    }
    const lessonEvents = await t.dataSource.query<Array<{ count: number }>>(
      `SELECT count(*)::int AS count FROM outbox_messages
        WHERE payload->>'type' = 'lesson.completed' AND payload->'data'->>'lessonId' = $1`,
      [last],
    );
    expect(lessonEvents[0].count).toBe(CLASS_SIZE);
  });

  it('gives twelve parallel creations of one title twelve unique slugs', async () => {
    const title = `Parallel ${randomUUID().slice(0, 6)} title`;
    const responses = await Promise.all(
      Array.from({ length: 12 }, () =>
        t.http
          .post(`${API}/courses`)
          .set(...bearer(teacher))
          .send({ title }),
      ),
    );
    expect(statusesOf(responses)).toEqual(Array(12).fill(201));
    const slugs = responses.map((res) => res.body.data.slug as string).sort();
    const base = slugs.find((slug) => !/-\d+$/.test(slug))!;
    expect(new Set(slugs).size).toBe(12);
    expect(slugs).toEqual(
      [base, ...Array.from({ length: 11 }, (_, i) => `${base}-${i + 2}`)].sort(),
    );
  });

  it('numbers slugs apart from numbers in other titles ("Python X 2024", then "Python X" twice)', async () => {
    const word = `py${randomUUID().slice(0, 6)}`;
    const create = async (title: string) =>
      (
        await t.http
          .post(`${API}/courses`)
          .set(...bearer(teacher))
          .send({ title })
          .expect(201)
      ).body.data.slug as string;
    expect(await create(`${word} X 2024`)).toBe(`${word}-x-2024`);
    expect(await create(`${word} X`)).toBe(`${word}-x`);
    expect(await create(`${word} X`)).toBe(`${word}-x-2`);
  });

  it('publishes a draft once under six parallel publishes: one event, one publishedAt', async () => {
    const course = await createCourse(t, teacher, { lessons: 1 });
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.http.post(`${API}/courses/${course.id}/publish`).set(...bearer(teacher)),
      ),
    );
    expect(statusesOf(responses)).toEqual(Array(6).fill(200));
    const publishedAt = new Set(responses.map((res) => res.body.data.publishedAt as string));
    expect(publishedAt.size).toBe(1);
    const [{ count }] = await t.dataSource.query<Array<{ count: number }>>(
      `SELECT count(*)::int AS count FROM outbox_messages
        WHERE payload->>'type' = 'course.published' AND payload->'data'->>'id' = $1`,
      [course.id],
    );
    expect(count).toBe(1);

    const unpublished = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.http.post(`${API}/courses/${course.id}/unpublish`).set(...bearer(teacher)),
      ),
    );
    expect(statusesOf(unpublished)).toEqual(Array(6).fill(200));
    expect(unpublished.every((res) => res.body.data.isPublished === false)).toBe(true);
  });

  it('publishes a quiz once under parallel publishes, and never one whose questions are gone', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const quiz = await t.http
      .post(`${API}/courses/${course.id}/quizzes`)
      .set(...bearer(teacher))
      .send({ title: 'Race quiz' })
      .expect(201);
    const quizId = quiz.body.data.id as string;
    const question = await t.http
      .post(`${API}/quizzes/${quizId}/questions`)
      .set(...bearer(teacher))
      .send({ text: '1+1?', type: 'short_answer', correctAnswer: ['2'], points: 1 })
      .expect(201);

    const responses = await Promise.all([
      ...Array.from({ length: 4 }, () =>
        t.http.post(`${API}/quizzes/${quizId}/publish`).set(...bearer(teacher)),
      ),
      t.http.delete(`${API}/questions/${question.body.data.id}`).set(...bearer(teacher)),
    ]);
    const statuses = statusesOf(responses);
    const [{ published, questions }] = await t.dataSource.query<
      Array<{ published: boolean; questions: number }>
    >(
      `SELECT q.is_published AS published,
              (SELECT count(*)::int FROM questions WHERE quiz_id = q.id) AS questions
         FROM quizzes q WHERE q.id = $1`,
      [quizId],
    );
    expect(questions).toBe(0);
    // Each publish either saw the question (200) or not (422); the deletion is 204 either way.
    expect(statuses.slice(0, 4).every((status) => status === 200 || status === 422)).toBe(true);
    expect(statuses[4]).toBe(204);
    expect(published).toBe(statuses.slice(0, 4).includes(200));
  });

  it('closes attempts abandoned past their deadline with the periodic sweep, score 0 of their points', async () => {
    const registry = t.app.get(JobHandlerRegistry);
    expect(registry.scheduled()).toContainEqual(
      expect.objectContaining({ queue: QUEUES.MAINTENANCE, name: JOBS.EXPIRE_ATTEMPTS }),
    );

    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const quiz = await t.http
      .post(`${API}/courses/${course.id}/quizzes`)
      .set(...bearer(teacher))
      .send({ title: 'Timed', timeLimitMinutes: 1 })
      .expect(201);
    const quizId = quiz.body.data.id as string;
    for (const points of [2, 3]) {
      await t.http
        .post(`${API}/quizzes/${quizId}/questions`)
        .set(...bearer(teacher))
        .send({ text: `Q${points}`, type: 'short_answer', correctAnswer: ['x'], points })
        .expect(201);
    }
    await t.http
      .post(`${API}/quizzes/${quizId}/publish`)
      .set(...bearer(teacher))
      .expect(200);
    const [abandoning, ongoing] = await students(2);
    const attemptIds: string[] = [];
    for (const learner of [abandoning, ongoing]) {
      await t.http
        .post(`${API}/enrollments`)
        .set(...bearer(learner))
        .send({ courseId: course.id })
        .expect(201);
      const started = await t.http
        .post(`${API}/quizzes/${quizId}/attempts`)
        .set(...bearer(learner))
        .expect(201);
      attemptIds.push(started.body.data.attempt.id as string);
    }
    // The first student walked away an hour ago; nobody reads the attempt afterwards.
    await t.dataSource.query(
      `UPDATE quiz_attempts SET started_at = now() - interval '61 minutes',
              expires_at = now() - interval '60 minutes' WHERE id = $1`,
      [attemptIds[0]],
    );

    await Promise.all([
      t.app.get(ExpireAttemptsProcessor).expire(),
      t.app.get(ExpireAttemptsProcessor).expire(),
    ]);

    const rows = await t.dataSource.query<
      Array<{ id: string; status: string; score: number | null; max_score: number | null }>
    >(`SELECT id, status, score, max_score FROM quiz_attempts WHERE quiz_id = $1`, [quizId]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(attemptIds[0])).toMatchObject({ status: 'expired', score: 0, max_score: 5 });
    expect(byId.get(attemptIds[1])).toMatchObject({ status: 'in_progress', score: null });

    const shown = await t.http
      .get(`${API}/attempts/${attemptIds[0]}`)
      .set(...bearer(abandoning))
      .expect(200);
    expect(shown.body.data).toMatchObject({ status: 'expired', score: 0, maxScore: 5 });
  });
});
