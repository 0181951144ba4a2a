import { rm } from 'node:fs/promises';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { createCourse, TestCourse } from '../factories/courses.factory';
import { enroll } from '../factories/enrollments.factory';
import { createQuiz, TestQuiz } from '../factories/quizzes.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { expectError } from '../utils/expectations';
import { createTestApp, TestApp } from '../utils/test-app';
import { API, AttemptBody, CreateQuestionInput, StartedAttemptBody } from '../utils/contract';

/**
 * The published quiz definition (questions and answer keys) is kept in each API process per
 * `quizzes.definition_version` (QuizDefinitions). Two API instances share one database here, as
 * two processes of a deployment would: a change made through one, or by plain SQL, must be what
 * the other uses for the next start and the next grading, with no message between them.
 */
const QUESTIONS: CreateQuestionInput[] = [
  {
    text: 'Capital of France?',
    type: 'multiple_choice',
    options: ['Paris', 'Rome', 'Madrid'],
    correctAnswer: 'Paris',
    points: 2,
  },
  { text: 'The sky is blue', type: 'true_false', correctAnswer: true, points: 1 },
];

describe('Quiz attempts at exam scale: definitions per process, one-statement start, admission (e2e)', () => {
  let one: TestApp;
  let two: TestApp;
  let teacher: TestUser;
  let course: TestCourse & { lessonIds: string[] };

  beforeAll(async () => {
    one = await createTestApp();
    two = await createTestApp({}, { share: one.env });
    teacher = await createUser(one, 'instructor');
    course = await createCourse(one, teacher, { lessons: 2, publish: true });
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
    if (one?.env.DATA_DIR) await rm(one.env.DATA_DIR, { recursive: true, force: true });
  });

  async function student(): Promise<TestUser> {
    const user = await createUser(one, 'student');
    await enroll(one, user, course.id);
    return user;
  }

  async function start(t: TestApp, user: TestUser, quizId: string): Promise<StartedAttemptBody> {
    const res = await t.http.post(`${API}/quizzes/${quizId}/attempts`).set(...bearer(user));
    expect(res.status).toBe(201);
    return res.body.data as StartedAttemptBody;
  }

  async function submit(t: TestApp, user: TestUser, attemptId: string, answers: unknown[]) {
    const res = await t.http
      .post(`${API}/attempts/${attemptId}/submit`)
      .set(...bearer(user))
      .send({ answers });
    expect(res.status).toBe(200);
    return res.body.data as AttemptBody;
  }

  const texts = (started: StartedAttemptBody) => started.questions.map((q) => q.text);

  async function versionOf(quizId: string): Promise<number> {
    const [row] = await one.dataSource.query<Array<{ v: number }>>(
      'SELECT definition_version AS v FROM quizzes WHERE id = $1',
      [quizId],
    );
    return row.v;
  }

  async function warmBoth(quiz: TestQuiz): Promise<void> {
    for (const t of [one, two]) {
      const user = await student();
      expect(texts(await start(t, user, quiz.id))).toEqual(QUESTIONS.map((q) => q.text));
    }
  }

  it('uses a question changed through one process for the next start and grading in the other', async () => {
    const quiz = await createQuiz(one, teacher, course.id, {}, QUESTIONS);
    await warmBoth(quiz);
    const taker = await student();
    const before = await start(two, taker, quiz.id);
    const mc = quiz.questions[0];

    const patched = await one.http
      .patch(`${API}/questions/${mc.id}`)
      .set(...bearer(teacher))
      .send({ text: 'Capital of Italy?', correctAnswer: 'Rome' });
    expect(patched.status).toBe(200);

    // A new start in the other process shows the new text...
    const fresh = await start(two, await student(), quiz.id);
    expect(texts(fresh)).toEqual(['Capital of Italy?', 'The sky is blue']);
    // ...and an attempt started before the change is graded with the new key there.
    const graded = await submit(two, taker, before.attempt.id, [
      { questionId: mc.id, answer: 'Rome' },
      { questionId: quiz.questions[1].id, answer: true },
    ]);
    expect(graded).toMatchObject({ score: 3, maxScore: 3, passed: true });
  });

  it('sees questions added and removed through one process in the other', async () => {
    const quiz = await createQuiz(one, teacher, course.id, {}, QUESTIONS);
    await warmBoth(quiz);

    const added = await one.http
      .post(`${API}/quizzes/${quiz.id}/questions`)
      .set(...bearer(teacher))
      .send({ text: 'Two plus two?', type: 'short_answer', correctAnswer: ['4'], points: 1 });
    expect(added.status).toBe(201);
    expect(texts(await start(two, await student(), quiz.id))).toEqual([
      ...QUESTIONS.map((q) => q.text),
      'Two plus two?',
    ]);

    await one.http
      .delete(`${API}/questions/${quiz.questions[1].id}`)
      .set(...bearer(teacher))
      .expect(204);
    expect(texts(await start(two, await student(), quiz.id))).toEqual([
      'Capital of France?',
      'Two plus two?',
    ]);
  });

  it('sees a change written by plain SQL (the triggers move the version for every writer)', async () => {
    const quiz = await createQuiz(one, teacher, course.id, {}, QUESTIONS);
    await warmBoth(quiz);
    const version = await versionOf(quiz.id);

    await one.dataSource.query(
      'UPDATE questions SET text = $1, correct_answer = $2 WHERE id = $3',
      ['The sea is green', JSON.stringify(false), quiz.questions[1].id],
    );
    expect(await versionOf(quiz.id)).toBe(version + 1);

    for (const t of [one, two]) {
      const user = await student();
      const started = await start(t, user, quiz.id);
      expect(texts(started)).toEqual(['Capital of France?', 'The sea is green']);
      const graded = await submit(t, user, started.attempt.id, [
        { questionId: quiz.questions[0].id, answer: 'Paris' },
        { questionId: quiz.questions[1].id, answer: false },
      ]);
      expect(graded).toMatchObject({ score: 3, maxScore: 3 });
    }
  });

  it('moves the version on every change of the quiz or its questions, and only then', async () => {
    const quiz = await createQuiz(one, teacher, course.id, {}, QUESTIONS);
    const v0 = await versionOf(quiz.id);
    await start(one, await student(), quiz.id);
    expect(await versionOf(quiz.id)).toBe(v0);

    await one.http
      .patch(`${API}/quizzes/${quiz.id}`)
      .set(...bearer(teacher))
      .send({ passingScorePercentage: 50 })
      .expect(200);
    expect(await versionOf(quiz.id)).toBe(v0 + 1);
    await one.dataSource.query('UPDATE questions SET points = points WHERE quiz_id = $1', [
      quiz.id,
    ]);
    expect(await versionOf(quiz.id)).toBe(v0 + 3);
    await one.dataSource.query('DELETE FROM questions WHERE id = $1', [quiz.questions[1].id]);
    expect(await versionOf(quiz.id)).toBe(v0 + 4);
  });

  it('starts a warm lesson-tied quiz in 2 statements: quiz with its course, enrollment and module check, one INSERT', async () => {
    // Tied to a lesson of a course without modules: nothing can be locked, no structure is read.
    const lessonId = course.lessonIds[0];
    const quiz = await createQuiz(one, teacher, course.id, { lessonId }, QUESTIONS);
    await warmBoth(quiz);
    const user = await student();
    // Warm the caller's auth state too: what is counted below is the start's own work.
    await one.http.get(`${API}/users/me`).set(...bearer(user));
    const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    try {
      await start(one, user, quiz.id);
      // Background work of the app (the outbox relay) may run meanwhile: count the start's tables.
      const touched = spy.mock.calls
        .map(([sql]) => sql.replace(/\s+/g, ' ').trim())
        .filter((sql) =>
          /"?(quizzes|courses|enrollments|quiz_attempts|questions|course_modules|lessons)"? /.test(
            sql,
          ),
        );
      expect(touched).toEqual([
        expect.stringMatching(
          /^SELECT q\.\*, .* FROM quizzes q JOIN courses c .* LEFT JOIN enrollments e /,
        ),
        expect.stringMatching(/^INSERT INTO quiz_attempts /),
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  it('grades with quiz settings changed through the other process (the kept quiz row is per version)', async () => {
    const quiz = await createQuiz(
      one,
      teacher,
      course.id,
      { passingScorePercentage: 60 },
      QUESTIONS,
    );
    const twoOfThree = [
      { questionId: quiz.questions[0].id, answer: 'Paris' },
      { questionId: quiz.questions[1].id, answer: false },
    ];
    // Process two keeps the quiz row from a first submit: 2 of 3 points pass at 60 %.
    const first = await student();
    const kept = await submit(
      two,
      first,
      (await start(two, first, quiz.id)).attempt.id,
      twoOfThree,
    );
    expect(kept).toMatchObject({ score: 2, passed: true });

    const taker = await student();
    const started = await start(two, taker, quiz.id);
    const patched = await one.http
      .patch(`${API}/quizzes/${quiz.id}`)
      .set(...bearer(teacher))
      .send({ passingScorePercentage: 80 });
    expect(patched.status).toBe(200);
    const graded = await submit(two, taker, started.attempt.id, twoOfThree);
    expect(graded).toMatchObject({ score: 2, passed: false });
  });

  it('submits a passing lesson-tied quiz in 7 statements: 1 read, a transaction of 4', async () => {
    // The lesson is not the course's last: the completion records progress, it does not finish.
    const lessonId = course.lessonIds[1];
    const quiz = await createQuiz(one, teacher, course.id, { lessonId }, QUESTIONS);
    await warmBoth(quiz);
    const answers = [
      { questionId: quiz.questions[0].id, answer: 'Paris' },
      { questionId: quiz.questions[1].id, answer: true },
    ];
    // A first submit in this process keeps the quiz row; what is counted is a warm submit.
    const first = await student();
    await submit(one, first, (await start(one, first, quiz.id)).attempt.id, answers);
    const user = await student();
    const started = await start(one, user, quiz.id);
    const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    try {
      const graded = await submit(one, user, started.attempt.id, answers);
      expect(graded).toMatchObject({ status: 'submitted', passed: true, score: 3 });
      // Background work (the outbox relay) runs its own transactions meanwhile: keep the submit's
      // read and every statement of the transaction that wrote the attempt (one query runner).
      const calls = spy.mock.calls.map(([sql], i) => ({
        sql: sql.replace(/\s+/g, ' ').trim(),
        runner: spy.mock.contexts[i],
      }));
      const tx = calls.find(({ sql }) => sql.startsWith('UPDATE quiz_attempts SET status'))?.runner;
      const request = calls
        .filter(({ sql, runner }) => runner === tx || sql.includes('FROM quiz_attempts a JOIN'))
        .map(({ sql }) => sql);
      expect(request).toEqual([
        expect.stringMatching(
          /^SELECT a\.\*, .* FROM quiz_attempts a JOIN quizzes q .* LEFT JOIN enrollments e /,
        ),
        'START TRANSACTION',
        expect.stringMatching(/^UPDATE quiz_attempts SET status = .submitted./),
        expect.stringMatching(/^SELECT e\.\*, .* FOR KEY SHARE OF c FOR UPDATE OF e$/),
        expect.stringMatching(/^WITH marked AS \( INSERT INTO lesson_progress /),
        expect.stringMatching(/^INSERT INTO outbox_messages /),
        'COMMIT',
      ]);
    } finally {
      spy.mockRestore();
    }
    const [row] = await one.dataSource.query<Array<{ completed: number; events: number }>>(
      `SELECT e.completed_lessons AS completed,
              (SELECT count(*)::int FROM outbox_messages o
                WHERE o.payload->>'type' = 'lesson.completed'
                  AND o.payload->'data'->>'lessonId' = $2
                  AND o.payload->'data'->>'id' = e.id::text) AS events
         FROM enrollments e JOIN users u ON u.id = e.student_id
        WHERE u.email = $1 AND e.course_id = $3`,
      [user.email, lessonId, course.id],
    );
    expect(row).toEqual({ completed: 1, events: 1 });
  });

  it('still starts exactly one attempt from 8 parallel starts of one student across both processes', async () => {
    const quiz = await createQuiz(one, teacher, course.id, { timeLimitMinutes: 10 }, QUESTIONS);
    const user = await student();
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? two : one).http.post(`${API}/quizzes/${quiz.id}/attempts`).set(...bearer(user)),
      ),
    );
    expect(responses.map((res) => res.status).sort()).toEqual([
      201, 409, 409, 409, 409, 409, 409, 409,
    ]);
    for (const res of responses.filter((r) => r.status === 409)) {
      expectError(res, 409, 'ATTEMPT_IN_PROGRESS');
    }
    const rows = await one.dataSource.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM quiz_attempts WHERE quiz_id = $1',
      [quiz.id],
    );
    expect(rows[0].n).toBe(1);
  });
  it('serves a class of 40 starting and submitting at once through a pool of 2 connections', async () => {
    // 2 connections: the admission gate lets 4 starts or submits run at once, the others wait.
    const small = await createTestApp({ DB_POOL_MAX: '2' }, { share: one.env });
    try {
      const quiz = await createQuiz(one, teacher, course.id, { timeLimitMinutes: 10 }, QUESTIONS);
      const users = await Promise.all(Array.from({ length: 40 }, () => student()));
      const starts = await Promise.all(
        users.map((user) =>
          small.http.post(`${API}/quizzes/${quiz.id}/attempts`).set(...bearer(user)),
        ),
      );
      expect(starts.map((res) => res.status)).toEqual(users.map(() => 201));
      const submits = await Promise.all(
        starts.map((res, i) =>
          small.http
            .post(`${API}/attempts/${(res.body.data as StartedAttemptBody).attempt.id}/submit`)
            .set(...bearer(users[i]))
            .send({
              answers: [
                { questionId: quiz.questions[0].id, answer: 'Paris' },
                { questionId: quiz.questions[1].id, answer: true },
              ],
            }),
        ),
      );
      expect(submits.map((res) => res.status)).toEqual(users.map(() => 200));
      const [row] = await one.dataSource.query<Array<{ attempts: number; graded: number }>>(
        `SELECT count(*)::int AS attempts,
                count(*) FILTER (WHERE status = 'submitted' AND score = 3)::int AS graded
           FROM quiz_attempts WHERE quiz_id = $1`,
        [quiz.id],
      );
      expect(row).toEqual({ attempts: 40, graded: 40 });
    } finally {
      await small.close();
    }
  });
});
