import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Response } from 'supertest';
import { QuizPoolsAndEssays1795937068491 } from '../../migrations/1795937068491-QuizPoolsAndEssays';
import { KeyValueStore } from '../../src/infra/kv/key-value.store';
import { createCourse, TestCourse } from '../factories/courses.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { createTestApp, TestApp } from '../utils/test-app';
import { expectError, expectValidationError, keysOf } from '../utils/expectations';

const API = '/api/v1';

type Course = TestCourse & { lessonIds: string[] };
type Body = Record<string, unknown>;

interface QuestionBody {
  id: string;
  text: string;
  type: string;
  options: string[] | null;
  correctAnswer: unknown;
  tolerance: number | null;
  pool: string | null;
  explanation: string | null;
  points: number;
  position: number;
}

interface ResultBody {
  questionId: string;
  answer: unknown;
  correct: boolean | null;
  pointsAwarded: number | null;
  feedback: string | null;
  correctAnswer?: unknown;
  explanation?: string | null;
}

interface AttemptBody {
  id: string;
  status: 'in_progress' | 'submitted' | 'expired';
  gradingStatus: 'auto' | 'pending' | 'graded';
  score: number | null;
  maxScore: number | null;
  percentage: number | null;
  passed: boolean | null;
  results?: ResultBody[];
}

interface AttemptQuestionBody {
  id: string;
  text: string;
  type: string;
  options: string[] | null;
  points: number;
  position: number;
}

interface StartedBody {
  attempt: AttemptBody;
  questions: AttemptQuestionBody[];
}

interface Quiz {
  id: string;
  questions: QuestionBody[];
}

interface Learner {
  user: TestUser;
  enrollmentId: string;
}

interface Answer {
  questionId: string;
  answer: unknown;
}

/** The right answer to an automatically graded question, as a student would send it. */
function rightAnswer(question: QuestionBody): unknown {
  return question.type === 'short_answer'
    ? (question.correctAnswer as string[])[0]
    : question.correctAnswer;
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

describe('Quiz pools, shuffled options, numeric and essay questions (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let teacher: TestUser;
  let otherTeacher: TestUser;
  let course: Course;

  beforeAll(async () => {
    t = await createTestApp();
    [admin, teacher, otherTeacher] = await Promise.all([
      createUser(t, 'admin'),
      createUser(t, 'instructor'),
      createUser(t, 'instructor'),
    ]);
    course = await createCourse(t, teacher, { lessons: 4, publish: true });
  });
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  const postQuiz = (body: Body, on: Course = course, as: TestUser = teacher) =>
    t.http
      .post(`${API}/courses/${on.id}/quizzes`)
      .set(...bearer(as))
      .send({ title: 'Quiz', ...body });

  const postQuestion = (quizId: string, body: Body) =>
    t.http
      .post(`${API}/quizzes/${quizId}/questions`)
      .set(...bearer(teacher))
      .send(body);

  const publish = (quizId: string, as: TestUser = teacher) =>
    t.http.post(`${API}/quizzes/${quizId}/publish`).set(...bearer(as));

  async function createQuiz(
    settings: Body,
    questions: Body[],
    options: { publish?: boolean; on?: Course; as?: TestUser } = {},
  ): Promise<Quiz> {
    const res = await postQuiz(settings, options.on, options.as).expect(201);
    const id = res.body.data.id as string;
    for (const question of questions) {
      const added = await t.http
        .post(`${API}/quizzes/${id}/questions`)
        .set(...bearer(options.as ?? teacher))
        .send(question);
      expect(added.status).toBe(201);
    }
    if (options.publish ?? true) {
      await publish(id, options.as).expect(200);
    }
    const listed = await t.http
      .get(`${API}/quizzes/${id}/questions`)
      .set(...bearer(options.as ?? teacher))
      .expect(200);
    return { id, questions: listed.body.data as QuestionBody[] };
  }

  async function learner(on: Course = course): Promise<Learner> {
    const user = await createUser(t, 'student');
    const res = await t.http
      .post(`${API}/enrollments`)
      .set(...bearer(user))
      .send({ courseId: on.id })
      .expect(201);
    return { user, enrollmentId: res.body.data.id as string };
  }

  async function started(user: TestUser, quizId: string): Promise<StartedBody> {
    const res = await t.http.post(`${API}/quizzes/${quizId}/attempts`).set(...bearer(user));
    expect(res.status).toBe(201);
    return res.body.data as StartedBody;
  }

  const submit = (user: TestUser, attemptId: string, answers: Answer[]) =>
    t.http
      .post(`${API}/attempts/${attemptId}/submit`)
      .set(...bearer(user))
      .send({ answers });

  async function submitted(user: TestUser, attemptId: string, answers: Answer[]) {
    const res = await submit(user, attemptId, answers);
    expect(res.status).toBe(200);
    return res.body.data as AttemptBody;
  }

  const getAttempt = (user: TestUser, attemptId: string) =>
    t.http.get(`${API}/attempts/${attemptId}`).set(...bearer(user));

  const grade = (user: TestUser | null, attemptId: string, body: unknown) => {
    const req = t.http.post(`${API}/attempts/${attemptId}/grade`);
    if (user) req.set(...bearer(user));
    return req.send(body as object);
  };

  const listAttempts = (user: TestUser, quizId: string, query: Body = {}) =>
    t.http
      .get(`${API}/quizzes/${quizId}/attempts`)
      .query(query)
      .set(...bearer(user));

  async function storedAttempt(id: string) {
    const [row] = await t.dataSource.query<
      Array<{
        questionOrder: string[];
        optionOrders: Record<string, string[]> | null;
        gradingStatus: string;
        score: number | null;
        passed: boolean | null;
        results: ResultBody[] | null;
      }>
    >(
      `SELECT question_order AS "questionOrder", option_orders AS "optionOrders",
              grading_status AS "gradingStatus", score, passed, results
         FROM quiz_attempts WHERE id = $1`,
      [id],
    );
    return row;
  }

  async function eventsOf(type: string, resourceId: string): Promise<Array<{ data: unknown }>> {
    const rows = await t.dataSource.query<Array<{ payload: { data: unknown } }>>(
      `SELECT payload FROM outbox_messages
        WHERE name = 'domain-event' AND payload->>'type' = $1 AND payload->'data'->>'id' = $2`,
      [type, resourceId],
    );
    return rows.map((row) => row.payload);
  }

  async function lessonState(who: Learner, lessonId: string) {
    const res = await t.http
      .get(`${API}/enrollments/${who.enrollmentId}`)
      .set(...bearer(who.user))
      .expect(200);
    const entry = (res.body.data.lessons as Array<{ lessonId: string; completed: boolean }>).find(
      (lesson) => lesson.lessonId === lessonId,
    );
    return { completed: entry?.completed, completedLessons: res.body.data.completedLessons };
  }

  describe('authoring numeric and essay questions, pools and draws', () => {
    let quizId: string;
    beforeAll(async () => {
      quizId = (await postQuiz({}).expect(201)).body.data.id as string;
    });

    it('adds a numeric question with tolerance 0 by default and one with a given tolerance', async () => {
      const plain = await postQuestion(quizId, {
        text: 'Speed of light in km/s?',
        type: 'numeric',
        correctAnswer: 299792.458,
      }).expect(201);
      expectMatchesOpenApi(plain, 'post', '/api/v1/quizzes/{id}/questions');
      expect(plain.body.data).toMatchObject({
        type: 'numeric',
        options: null,
        correctAnswer: 299792.458,
        tolerance: 0,
        pool: null,
        explanation: null,
      });
      const tolerant = await postQuestion(quizId, {
        text: 'Pi?',
        type: 'numeric',
        correctAnswer: 3.14,
        tolerance: 0.01,
        pool: 'maths',
        explanation: 'Pi is about 3.14159',
      }).expect(201);
      expect(tolerant.body.data).toMatchObject({
        tolerance: 0.01,
        pool: 'maths',
        explanation: 'Pi is about 3.14159',
      });
    });

    it('adds an essay question without correctAnswer (null)', async () => {
      const res = await postQuestion(quizId, {
        text: 'Explain recursion',
        type: 'essay',
        points: 5,
      }).expect(201);
      expectMatchesOpenApi(res, 'post', '/api/v1/quizzes/{id}/questions');
      expect(res.body.data).toMatchObject({
        type: 'essay',
        options: null,
        correctAnswer: null,
        tolerance: null,
        points: 5,
      });
    });

    it.each([
      [
        'a numeric answer given as a string',
        { type: 'numeric', correctAnswer: '3' },
        'correctAnswer',
      ],
      ['a numeric question without answer', { type: 'numeric' }, 'correctAnswer'],
      [
        'a numeric question with options',
        { type: 'numeric', options: ['1', '2'], correctAnswer: 1 },
        'options',
      ],
      ['a negative tolerance', { type: 'numeric', correctAnswer: 1, tolerance: -0.5 }, 'tolerance'],
      [
        'a tolerance as a string',
        { type: 'numeric', correctAnswer: 1, tolerance: '1' },
        'tolerance',
      ],
      [
        'a tolerance on a true_false question',
        { type: 'true_false', correctAnswer: true, tolerance: 1 },
        'tolerance',
      ],
      ['an essay with a correctAnswer', { type: 'essay', correctAnswer: 'Model' }, 'correctAnswer'],
      ['an essay with options', { type: 'essay', options: ['a', 'b'] }, 'options'],
      ['an empty pool', { type: 'true_false', correctAnswer: true, pool: '' }, 'pool'],
      [
        'a pool over 50 characters',
        { type: 'true_false', correctAnswer: true, pool: 'p'.repeat(51) },
        'pool',
      ],
      [
        'an explanation that is not a string',
        { type: 'true_false', correctAnswer: true, explanation: 4 },
        'explanation',
      ],
    ])('refuses %s with 422', async (_name, body, field) => {
      expectValidationError(await postQuestion(quizId, { text: 'Q', ...body }), field);
    });

    it('turns a question into an essay only when its answer is cleared, and a numeric one loses its tolerance on a type change', async () => {
      const mc = (
        await postQuestion(quizId, {
          text: 'Pick one',
          type: 'multiple_choice',
          options: ['a', 'b'],
          correctAnswer: 'a',
        }).expect(201)
      ).body.data as QuestionBody;
      const patch = (id: string, body: Body) =>
        t.http
          .patch(`${API}/questions/${id}`)
          .set(...bearer(teacher))
          .send(body);
      expectValidationError(await patch(mc.id, { type: 'essay', options: null }), 'correctAnswer');
      const essay = await patch(mc.id, { type: 'essay', options: null, correctAnswer: null });
      expect(essay.status).toBe(200);
      expect(essay.body.data).toMatchObject({ type: 'essay', correctAnswer: null, options: null });

      const numeric = (
        await postQuestion(quizId, {
          text: 'Half of 3',
          type: 'numeric',
          correctAnswer: 1.5,
          tolerance: 0.1,
        }).expect(201)
      ).body.data as QuestionBody;
      const kept = await patch(numeric.id, { correctAnswer: 1.6 }).expect(200);
      expect(kept.body.data).toMatchObject({ correctAnswer: 1.6, tolerance: 0.1 });
      const changed = await patch(numeric.id, { type: 'true_false', correctAnswer: true });
      expect(changed.status).toBe(200);
      expect(changed.body.data).toMatchObject({ type: 'true_false', tolerance: null });
    });

    it.each([
      ['a count of 0', { draw: [{ pool: 'a', count: 0 }] }, 'draw.0.count'],
      ['a count over 100', { draw: [{ pool: 'a', count: 101 }] }, 'draw.0.count'],
      ['a fractional count', { draw: [{ pool: 'a', count: 1.5 }] }, 'draw.0.count'],
      ['an empty pool name', { draw: [{ pool: '', count: 1 }] }, 'draw.0.pool'],
      [
        'a pool named twice',
        {
          draw: [
            { pool: 'a', count: 1 },
            { pool: 'a', count: 2 },
          ],
        },
        'draw',
      ],
      ['an empty draw', { draw: [] }, 'draw'],
      ['a draw that is not a list', { draw: { pool: 'a', count: 1 } }, 'draw'],
      [
        'an unknown field in a draw',
        { draw: [{ pool: 'a', count: 1, weight: 2 }] },
        'draw.0.weight',
      ],
      ['a null shuffleOptions', { shuffleOptions: null }, 'shuffleOptions'],
    ])('refuses a quiz with %s (422)', async (_name, body, field) => {
      expectValidationError(await postQuiz(body), field);
    });

    it('stores draw and shuffleOptions, and PATCH with draw null draws every question again', async () => {
      const res = await postQuiz({
        draw: [{ pool: 'easy', count: 2 }],
        shuffleOptions: true,
      }).expect(201);
      expectMatchesOpenApi(res, 'post', '/api/v1/courses/{id}/quizzes');
      expect(res.body.data).toMatchObject({
        draw: [{ pool: 'easy', count: 2 }],
        shuffleOptions: true,
      });
      const cleared = await t.http
        .patch(`${API}/quizzes/${res.body.data.id}`)
        .set(...bearer(teacher))
        .send({ draw: null })
        .expect(200);
      expect(cleared.body.data.draw).toBeNull();
    });
  });

  describe('drawing questions from pools', () => {
    // Points tell the drawn questions apart: pool a is worth 1..5, pool b 10..40, no pool 100.
    const poolA = [1, 2, 3, 4, 5].map((points) => ({
      text: `A${points}`,
      type: 'true_false',
      correctAnswer: true,
      points,
      pool: 'a',
    }));
    const poolB = [10, 20, 30, 40].map((points) => ({
      text: `B${points}`,
      type: 'multiple_choice',
      options: ['yes', 'no'],
      correctAnswer: 'yes',
      points,
      pool: 'b',
    }));
    const unpooled = [{ text: 'Loose', type: 'true_false', correctAnswer: false, points: 100 }];

    let quiz: Quiz;
    let byId: Map<string, QuestionBody>;
    beforeAll(async () => {
      quiz = await createQuiz(
        {
          draw: [
            { pool: 'a', count: 2 },
            { pool: 'b', count: 1 },
          ],
        },
        [...poolA, ...poolB, ...unpooled],
      );
      byId = new Map(quiz.questions.map((question) => [question.id, question]));
    });

    it('gives each attempt count distinct questions of each pool, fixed across reads and graded on exactly those', async () => {
      const sets = new Set<string>();
      for (let round = 0; round < 8; round++) {
        const { user } = await learner();
        const { attempt, questions } = await started(user, quiz.id);
        const drawn = questions.map((question) => byId.get(question.id)!);
        const ids = drawn.map((question) => question.id);
        expect(new Set(ids).size).toBe(3);
        expect(drawn.filter((question) => question.pool === 'a')).toHaveLength(2);
        expect(drawn.filter((question) => question.pool === 'b')).toHaveLength(1);
        expect(drawn.some((question) => question.pool === null)).toBe(false);
        sets.add([...ids].sort().join(','));

        // Every read shows the same drawn set in the same order, and so does the stored attempt.
        for (let read = 0; read < 2; read++) {
          const got = await getAttempt(user, attempt.id).expect(200);
          expectMatchesOpenApi(got, 'get', '/api/v1/attempts/{id}');
          expect(got.body.data.questions).toEqual(questions);
        }
        expect((await storedAttempt(attempt.id)).questionOrder).toEqual(ids);

        const graded = await submitted(
          user,
          attempt.id,
          drawn.map((question) => ({ questionId: question.id, answer: rightAnswer(question) })),
        );
        const drawnPoints = sum(drawn.map((question) => question.points));
        expect(graded).toMatchObject({
          gradingStatus: 'auto',
          score: drawnPoints,
          maxScore: drawnPoints,
          percentage: 100,
          passed: true,
        });
        expect(graded.results!.map((result) => result.questionId)).toEqual(ids);
      }
      // 40 possible sets: eight identical draws in a row would mean no randomness.
      expect(sets.size).toBeGreaterThanOrEqual(2);
    });

    it('refuses an answer to a question of the quiz that this attempt did not draw (400)', async () => {
      const { user } = await learner();
      const { attempt, questions } = await started(user, quiz.id);
      const drawn = new Set(questions.map((question) => question.id));
      const undrawn = quiz.questions.find((question) => !drawn.has(question.id))!;
      const res = await submit(user, attempt.id, [{ questionId: undrawn.id, answer: true }]);
      expectError(res, 400, 'BAD_REQUEST');
      expect((await getAttempt(user, attempt.id).expect(200)).body.data.status).toBe('in_progress');
    });

    it('scores unanswered drawn questions 0 out of the drawn points only', async () => {
      const { user } = await learner();
      const { attempt, questions } = await started(user, quiz.id);
      const graded = await submitted(user, attempt.id, []);
      expect(graded).toMatchObject({
        score: 0,
        maxScore: sum(questions.map((question) => question.points)),
      });
      expect(graded.maxScore).toBeLessThan(100);
    });

    it('refuses to publish with 422 POOL_TOO_SMALL while a pool holds fewer questions than drawn, then publishes once it does', async () => {
      const short = await createQuiz(
        {
          draw: [
            { pool: 'a', count: 3 },
            { pool: 'ghost', count: 1 },
          ],
        },
        poolA.slice(0, 2),
        { publish: false },
      );
      const res = await publish(short.id);
      expectError(res, 422, 'POOL_TOO_SMALL');
      expectMatchesOpenApi(res, 'post', '/api/v1/quizzes/{id}/publish');
      const fields = (res.body.error.details as Array<{ field: string }>).map((d) => d.field);
      expect(fields).toEqual(['draw.0.count', 'draw.1.count']);
      const got = await t.http
        .get(`${API}/quizzes/${short.id}`)
        .set(...bearer(teacher))
        .expect(200);
      expect(got.body.data.isPublished).toBe(false);

      // Questions without a pool do not count towards a pool.
      await postQuestion(short.id, { ...unpooled[0] }).expect(201);
      await postQuestion(short.id, { ...poolA[2] }).expect(201);
      expectError(await publish(short.id), 422, 'POOL_TOO_SMALL');
      await postQuestion(short.id, { ...poolA[3], pool: 'ghost' }).expect(201);
      const published = await publish(short.id).expect(200);
      expect(published.body.data.isPublished).toBe(true);
    });

    it('refuses a draw a published quiz’s pools cannot serve (422) and keeps the old one', async () => {
      const res = await t.http
        .patch(`${API}/quizzes/${quiz.id}`)
        .set(...bearer(teacher))
        .send({ draw: [{ pool: 'b', count: 5 }] });
      expectError(res, 422, 'POOL_TOO_SMALL');
      const got = await t.http
        .get(`${API}/quizzes/${quiz.id}`)
        .set(...bearer(teacher))
        .expect(200);
      expect(got.body.data.draw).toEqual([
        { pool: 'a', count: 2 },
        { pool: 'b', count: 1 },
      ]);
    });
  });

  describe('shuffled options', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `option ${i + 1}`);
    const questions = [
      {
        text: 'Pick the seventh',
        type: 'multiple_choice',
        options: ten,
        correctAnswer: 'option 7',
        points: 2,
      },
      {
        text: 'Pick the even ones',
        type: 'multiple_select',
        options: ten.slice(0, 6),
        correctAnswer: ['option 2', 'option 4', 'option 6'],
        points: 3,
      },
      { text: 'True?', type: 'true_false', correctAnswer: true, points: 1 },
    ];

    it('orders options at random per attempt, keeps the order across reads and grades by value', async () => {
      const quiz = await createQuiz({ shuffleOptions: true }, questions);
      const orders = new Set<string>();
      for (let round = 0; round < 6; round++) {
        const { user } = await learner();
        const start = await started(user, quiz.id);
        const [mc, ms, tf] = start.questions;
        expect([...mc.options!].sort()).toEqual([...ten].sort());
        expect([...ms.options!].sort()).toEqual([...ten.slice(0, 6)].sort());
        expect(tf.options).toBeNull();
        orders.add(mc.options!.join('|'));

        const stored = await storedAttempt(start.attempt.id);
        expect(stored.optionOrders).toEqual({ [mc.id]: mc.options, [ms.id]: ms.options });
        for (let read = 0; read < 2; read++) {
          const got = await getAttempt(user, start.attempt.id).expect(200);
          expect(got.body.data.questions).toEqual(start.questions);
        }

        const graded = await submitted(user, start.attempt.id, [
          { questionId: mc.id, answer: 'option 7' },
          { questionId: ms.id, answer: ['option 6', 'option 2', 'option 4'] },
          { questionId: tf.id, answer: true },
        ]);
        expect(graded).toMatchObject({ score: 6, maxScore: 6, passed: true });
      }
      expect(orders.size).toBeGreaterThanOrEqual(2);
    });

    it('keeps the authored order when the quiz does not shuffle options', async () => {
      const quiz = await createQuiz({}, questions);
      const { user } = await learner();
      const start = await started(user, quiz.id);
      expect(start.questions[0].options).toEqual(ten);
      expect((await storedAttempt(start.attempt.id)).optionOrders).toBeNull();
    });
  });

  describe('numeric questions', () => {
    let quiz: Quiz;
    beforeAll(async () => {
      quiz = await createQuiz({}, [
        { text: 'About 0.3', type: 'numeric', correctAnswer: 0.3, tolerance: 0.1, points: 2 },
        { text: 'Exactly 42', type: 'numeric', correctAnswer: 42, points: 1 },
      ]);
    });

    it.each([
      [
        'exactly at the upper tolerance (0.4, though 0.4 - 0.3 > 0.1 in floating point)',
        0,
        0.4,
        true,
      ],
      ['exactly at the lower tolerance', 0, 0.2, true],
      ['the sum 0.1 + 0.2 within the tolerance', 0, 0.1 + 0.2, true],
      ['just beyond the upper tolerance', 0, 0.4000001, false],
      ['just beyond the lower tolerance', 0, 0.1999999, false],
      ['a number as a string', 0, '0.3', false],
      ['the exact value without tolerance', 1, 42, true],
      ['a hair off without tolerance', 1, 42.000001, false],
    ])('grades %s', async (_name, index, answer, correct) => {
      const { user } = await learner();
      const { attempt } = await started(user, quiz.id);
      const question = quiz.questions[index];
      const graded = await submitted(user, attempt.id, [{ questionId: question.id, answer }]);
      expect(graded.results!.find((r) => r.questionId === question.id)).toMatchObject({
        answer,
        correct,
        pointsAwarded: correct ? question.points : 0,
        correctAnswer: question.correctAnswer,
      });
    });

    it('refuses a number JSON cannot hold as a double (1e400) with 422, never 500', async () => {
      const { user } = await learner();
      const { attempt } = await started(user, quiz.id);
      const res = await t.http
        .post(`${API}/attempts/${attempt.id}/submit`)
        .set(...bearer(user))
        .set('Content-Type', 'application/json')
        .send(`{"answers":[{"questionId":"${quiz.questions[1].id}","answer":1e400}]}`);
      expectValidationError(res, 'answers.0.answer');
    });
  });

  describe('essays and manual grading', () => {
    const lessonId = () => course.lessonIds[0];
    const essayQuestions = [
      {
        text: 'Capital of France?',
        type: 'multiple_choice',
        options: ['Paris', 'Rome'],
        correctAnswer: 'Paris',
        points: 2,
        explanation: 'Paris has been the capital since 987',
      },
      {
        text: 'Why is the sky blue?',
        type: 'essay',
        points: 5,
        explanation: 'Rayleigh scattering',
      },
      { text: 'Describe a rainbow', type: 'essay', points: 3 },
    ];
    let quiz: Quiz;
    let mc: QuestionBody;
    let essay1: QuestionBody;
    let essay2: QuestionBody;
    beforeAll(async () => {
      quiz = await createQuiz({ lessonId: lessonId(), passingScorePercentage: 70 }, essayQuestions);
      [mc, essay1, essay2] = quiz.questions;
    });

    async function pendingAttempt(on: Quiz = quiz) {
      const who = await learner();
      const { attempt } = await started(who.user, on.id);
      const [first, second, third] = on.questions;
      const res = await submit(who.user, attempt.id, [
        { questionId: first.id, answer: 'Paris' },
        { questionId: second.id, answer: 'Light scatters off molecules, blue the most.' },
        { questionId: third.id, answer: 'An arc of colours.' },
      ]);
      expect(res.status).toBe(200);
      return { who, attempt: res.body.data as AttemptBody, res };
    }

    it('submits an attempt with essays as pending: automatic part scored, passed null, no completion yet', async () => {
      const { who, attempt, res } = await pendingAttempt();
      expectMatchesOpenApi(res, 'post', '/api/v1/attempts/{id}/submit');
      expect(attempt).toMatchObject({
        status: 'submitted',
        gradingStatus: 'pending',
        score: 2,
        maxScore: 10,
        percentage: 20,
        passed: null,
      });
      expect(attempt.results).toEqual([
        {
          questionId: mc.id,
          answer: 'Paris',
          correct: true,
          pointsAwarded: 2,
          feedback: null,
          correctAnswer: 'Paris',
          explanation: 'Paris has been the capital since 987',
        },
        {
          questionId: essay1.id,
          answer: 'Light scatters off molecules, blue the most.',
          correct: null,
          pointsAwarded: null,
          feedback: null,
          correctAnswer: null,
          explanation: 'Rayleigh scattering',
        },
        {
          questionId: essay2.id,
          answer: 'An arc of colours.',
          correct: null,
          pointsAwarded: null,
          feedback: null,
          correctAnswer: null,
          explanation: null,
        },
      ]);
      expect(await lessonState(who, lessonId())).toEqual({ completed: false, completedLessons: 0 });
      expect(await eventsOf('quiz.attempt.submitted', attempt.id)).toHaveLength(1);
      expect(await eventsOf('quiz.attempt.graded', attempt.id)).toHaveLength(0);
    });

    it.each([
      ['a negative grade', (id: string) => ({ questionId: id, pointsAwarded: -1 }), 422],
      ['a grade above the points', (id: string) => ({ questionId: id, pointsAwarded: 6 }), 422],
      ['a fractional grade', (id: string) => ({ questionId: id, pointsAwarded: 2.5 }), 422],
      [
        'a grade that is not a number',
        (id: string) => ({ questionId: id, pointsAwarded: '5' }),
        422,
      ],
      ['a missing grade', (id: string) => ({ questionId: id }), 422],
      ['a non-essay question', () => ({ questionId: mc.id, pointsAwarded: 1 }), 400],
      ['an unknown question', () => ({ questionId: randomUUID(), pointsAwarded: 1 }), 400],
    ])('refuses %s and changes nothing', async (_name, makeGrade, status) => {
      const { attempt } = await pendingAttempt();
      const res = await grade(teacher, attempt.id, { grades: [makeGrade(essay1.id)] });
      expect(res.status).toBe(status);
      expectError(res, status, status === 422 ? 'VALIDATION_ERROR' : 'BAD_REQUEST');
      const fields = (res.body.error.details as Array<{ field: string }>).map((d) => d.field);
      expect(fields[0]).toMatch(/^grades\.0\./);
      const stored = await storedAttempt(attempt.id);
      expect(stored).toMatchObject({ gradingStatus: 'pending', score: 2, passed: null });
      expect(stored.results!.map((r) => r.pointsAwarded)).toEqual([2, null, null]);
    });

    it('refuses a question of another quiz (400), two grades of one essay (400) and an empty or unknown-field body (422)', async () => {
      const other = await createQuiz({}, [{ text: 'Other', type: 'essay', points: 5 }]);
      const { attempt } = await pendingAttempt();
      expectError(
        await grade(teacher, attempt.id, {
          grades: [{ questionId: other.questions[0].id, pointsAwarded: 1 }],
        }),
        400,
        'BAD_REQUEST',
      );
      expectError(
        await grade(teacher, attempt.id, {
          grades: [
            { questionId: essay1.id, pointsAwarded: 1 },
            { questionId: essay1.id, pointsAwarded: 2 },
          ],
        }),
        400,
        'BAD_REQUEST',
      );
      expectValidationError(await grade(teacher, attempt.id, { grades: [] }), 'grades');
      expectValidationError(await grade(teacher, attempt.id, {}), 'grades');
      expectValidationError(
        await grade(teacher, attempt.id, {
          grades: [{ questionId: essay1.id, pointsAwarded: 1, bonus: 1 }],
        }),
        'grades.0.bonus',
      );
      expect((await storedAttempt(attempt.id)).gradingStatus).toBe('pending');
    });

    it('lets only the course’s instructor and admins grade: the student and another instructor 403, 401 without a token, 404 for an unknown attempt', async () => {
      const { who, attempt } = await pendingAttempt();
      const body = { grades: [{ questionId: essay1.id, pointsAwarded: 5 }] };
      expectError(await grade(who.user, attempt.id, body), 403, 'FORBIDDEN');
      expectError(await grade(otherTeacher, attempt.id, body), 403, 'FORBIDDEN');
      expectError(await grade(null, attempt.id, body), 401, 'UNAUTHORIZED');
      expectError(await grade(teacher, randomUUID(), body), 404, 'NOT_FOUND');
      expectValidationError(await grade(teacher, 'attempt-1', body), 'id');
      expect((await storedAttempt(attempt.id)).results![1].pointsAwarded).toBeNull();
      const byAdmin = await grade(admin, attempt.id, body);
      expect(byAdmin.status).toBe(200);
    });

    it('refuses to grade an attempt that is not pending: automatic, in progress or already graded (409)', async () => {
      const auto = await createQuiz({}, [essayQuestions[0]]);
      const who = await learner();
      const autoAttempt = await started(who.user, auto.id);
      const body = { grades: [{ questionId: essay1.id, pointsAwarded: 1 }] };
      expectError(
        await grade(teacher, autoAttempt.attempt.id, body),
        409,
        'ATTEMPT_NOT_PENDING_GRADING',
      );
      const done = await submitted(who.user, autoAttempt.attempt.id, []);
      expect(done.gradingStatus).toBe('auto');
      expectError(await grade(teacher, done.id, body), 409, 'ATTEMPT_NOT_PENDING_GRADING');
    });

    it('grades in steps, then finishes once under 6 parallel requests: graded, final figures, one completion, one quiz.attempt.graded event', async () => {
      const { who, attempt } = await pendingAttempt();
      const first = await grade(teacher, attempt.id, {
        grades: [{ questionId: essay1.id, pointsAwarded: 4, feedback: 'Name the effect' }],
      });
      expect(first.status).toBe(200);
      expectMatchesOpenApi(first, 'post', '/api/v1/attempts/{id}/grade');
      expect(first.body.data).toMatchObject({
        gradingStatus: 'pending',
        score: 6,
        passed: null,
      });
      expect(await lessonState(who, lessonId())).toMatchObject({ completed: false });

      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          grade(teacher, attempt.id, {
            grades: [
              { questionId: essay1.id, pointsAwarded: 5, feedback: 'Good' },
              { questionId: essay2.id, pointsAwarded: 3 - (i % 2), feedback: `Grader ${i}` },
            ],
          }),
        ),
      );
      const statuses = responses.map((res) => res.status).sort();
      expect(statuses).toEqual([200, 409, 409, 409, 409, 409]);
      for (const res of responses.filter((r) => r.status === 409)) {
        expect(res.body.error.code).toBe('ATTEMPT_NOT_PENDING_GRADING');
      }
      const winner = responses.find((res) => res.status === 200)!.body.data as AttemptBody;
      const essay2Points = winner.results![2].pointsAwarded!;
      expect(winner).toMatchObject({
        gradingStatus: 'graded',
        score: 7 + essay2Points,
        maxScore: 10,
        percentage: (7 + essay2Points) * 10,
        passed: true,
      });
      expect(winner.results![1]).toMatchObject({
        pointsAwarded: 5,
        correct: true,
        feedback: 'Good',
      });

      const graded = await eventsOf('quiz.attempt.graded', attempt.id);
      expect(graded).toHaveLength(1);
      expect(graded[0].data).toEqual(winner);
      expect(await eventsOf('lesson.completed', who.enrollmentId)).toHaveLength(1);
      expect(await lessonState(who, lessonId())).toEqual({ completed: true, completedLessons: 1 });

      // The student sees the final figures and the feedback; the grading is closed.
      const seen = await getAttempt(who.user, attempt.id).expect(200);
      expect(seen.body.data).toMatchObject({ gradingStatus: 'graded', passed: true });
      expect(seen.body.data.results[1].feedback).toBe('Good');
      expectError(
        await grade(teacher, attempt.id, { grades: [{ questionId: essay1.id, pointsAwarded: 0 }] }),
        409,
        'ATTEMPT_NOT_PENDING_GRADING',
      );
    });

    it('finishes a failed attempt without completing the lesson, still with one graded event', async () => {
      const { who, attempt } = await pendingAttempt();
      const res = await grade(teacher, attempt.id, {
        grades: [
          { questionId: essay1.id, pointsAwarded: 0, feedback: 'Off topic' },
          { questionId: essay2.id, pointsAwarded: 3 },
        ],
      }).expect(200);
      expect(res.body.data).toMatchObject({
        gradingStatus: 'graded',
        score: 5,
        percentage: 50,
        passed: false,
      });
      expect(await eventsOf('quiz.attempt.graded', attempt.id)).toHaveLength(1);
      expect(await eventsOf('lesson.completed', who.enrollmentId)).toHaveLength(0);
      expect(await lessonState(who, lessonId())).toEqual({ completed: false, completedLessons: 0 });
    });

    it('hides correctAnswer and explanation, but not feedback, when the quiz does not show answers', async () => {
      const hidden = await createQuiz({ showCorrectAnswers: false }, essayQuestions);
      const { who, attempt } = await pendingAttempt(hidden);
      const res = await grade(teacher, attempt.id, {
        grades: [
          { questionId: hidden.questions[1].id, pointsAwarded: 5, feedback: 'Well argued' },
          { questionId: hidden.questions[2].id, pointsAwarded: 3 },
        ],
      }).expect(200);
      const seen = await getAttempt(who.user, attempt.id).expect(200);
      for (const body of [res.body, seen.body]) {
        const keys = keysOf(body);
        expect(keys.has('correctAnswer')).toBe(false);
        expect(keys.has('explanation')).toBe(false);
        expect(JSON.stringify(body)).not.toContain('Rayleigh');
      }
      expect(seen.body.data.results[1].feedback).toBe('Well argued');
    });

    it('lists the attempts waiting for grading with gradingStatus=pending', async () => {
      const listQuiz = await createQuiz({}, essayQuestions);
      const waiting = await pendingAttempt(listQuiz);
      const done = await pendingAttempt(listQuiz);
      await grade(teacher, done.attempt.id, {
        grades: [
          { questionId: listQuiz.questions[1].id, pointsAwarded: 1 },
          { questionId: listQuiz.questions[2].id, pointsAwarded: 1 },
        ],
      }).expect(200);
      const other = await learner();
      await started(other.user, listQuiz.id);

      for (const user of [teacher, admin]) {
        const res = await listAttempts(user, listQuiz.id, { gradingStatus: 'pending' }).expect(200);
        expectMatchesOpenApi(res, 'get', '/api/v1/quizzes/{id}/attempts');
        expect((res.body.data as AttemptBody[]).map((a) => a.id)).toEqual([waiting.attempt.id]);
        const graded = await listAttempts(user, listQuiz.id, { gradingStatus: 'graded' }).expect(
          200,
        );
        expect((graded.body.data as AttemptBody[]).map((a) => a.id)).toEqual([done.attempt.id]);
      }
      // A student sees only their own, whatever the filter.
      const own = await listAttempts(waiting.who.user, listQuiz.id, {
        gradingStatus: 'pending',
      }).expect(200);
      expect((own.body.data as AttemptBody[]).map((a) => a.id)).toEqual([waiting.attempt.id]);
      const none = await listAttempts(done.who.user, listQuiz.id, {
        gradingStatus: 'pending',
      }).expect(200);
      expect(none.body.data).toEqual([]);
      expectValidationError(
        await listAttempts(teacher, listQuiz.id, { gradingStatus: 'waiting' }),
        'gradingStatus',
      );
    });
  });

  describe('answer secrecy before submitting', () => {
    it('never shows a student correctAnswer, tolerance, explanation or a question’s pool: quiz, start, attempt, attempts', async () => {
      const quiz = await createQuiz(
        { draw: [{ pool: 'secret-pool', count: 2 }], shuffleOptions: true },
        [
          {
            text: 'Light speed',
            type: 'numeric',
            correctAnswer: 299792.458,
            tolerance: 0.5,
            pool: 'secret-pool',
            explanation: 'Measured-by-definition',
          },
          {
            text: 'Essay',
            type: 'essay',
            points: 3,
            pool: 'secret-pool',
            explanation: 'Look for structure',
          },
          {
            text: 'Pick',
            type: 'multiple_choice',
            options: ['Zanzibar', 'Oslo'],
            correctAnswer: 'Zanzibar',
            pool: 'secret-pool',
          },
        ],
      );
      const { user } = await learner();
      const start = await t.http
        .post(`${API}/quizzes/${quiz.id}/attempts`)
        .set(...bearer(user))
        .expect(201);
      const attemptId = start.body.data.attempt.id as string;
      const reads: Response[] = [
        start,
        await getAttempt(user, attemptId).expect(200),
        await listAttempts(user, quiz.id).expect(200),
        await t.http
          .get(`${API}/quizzes/${quiz.id}`)
          .set(...bearer(user))
          .expect(200),
      ];
      for (const res of reads) {
        const keys = keysOf(res.body.data);
        for (const key of ['correctAnswer', 'tolerance', 'explanation', 'results']) {
          expect(keys.has(key)).toBe(false);
        }
        // The quiz says what it draws (its `draw`); questions never name their pool.
        const questions = (res.body.data.questions ?? []) as unknown[];
        expect(keysOf(questions).has('pool')).toBe(false);
        const text = JSON.stringify(res.body.data.attempt ?? res.body.data.questions ?? []);
        expect(text).not.toContain('299792');
        expect(text).not.toContain('Measured-by-definition');
      }
      expectError(
        await t.http.get(`${API}/quizzes/${quiz.id}/questions`).set(...bearer(user)),
        403,
        'FORBIDDEN',
      );
    });
  });

  describe('analytics use final scores only', () => {
    it('leaves attempts pending grading out of averages, pass rates and distributions until graded', async () => {
      const owner = await createUser(t, 'instructor');
      const own = await createCourse(t, owner, { lessons: 1, publish: true });
      const quiz = await createQuiz(
        { passingScorePercentage: 50 },
        [
          {
            text: 'MC',
            type: 'multiple_choice',
            options: ['a', 'b'],
            correctAnswer: 'a',
            points: 5,
          },
          { text: 'Essay', type: 'essay', points: 5 },
        ],
        { on: own, as: owner },
      );
      const [ann, ben] = [await learner(own), await learner(own)];
      const attempts: Record<string, string> = {};
      for (const who of [ann, ben]) {
        const { attempt } = await started(who.user, quiz.id);
        const graded = await submitted(who.user, attempt.id, [
          { questionId: quiz.questions[0].id, answer: 'a' },
          { questionId: quiz.questions[1].id, answer: 'An essay' },
        ]);
        expect(graded).toMatchObject({ gradingStatus: 'pending', percentage: 50 });
        attempts[who.user.id] = attempt.id;
      }

      const courseQuiz = async () => {
        const res = await t.http
          .get(`${API}/analytics/courses/${own.id}`)
          .set(...bearer(owner))
          .expect(200);
        expectMatchesOpenApi(res, 'get', '/api/v1/analytics/courses/{id}');
        return (
          res.body.data.quizzes as Array<{
            quizId: string;
            attempts: number;
            averageScore: number;
            passRate: number;
            scoreDistribution: Array<{ bucket: string; count: number }>;
          }>
        ).find((entry) => entry.quizId === quiz.id)!;
      };
      const studentScore = async (who: Learner) => {
        const res = await t.http
          .get(`${API}/analytics/student`)
          .set(...bearer(who.user))
          .expect(200);
        return {
          averageQuizScore: res.body.data.averageQuizScore as number,
          quizzesPassed: res.body.data.quizzesPassed as number,
        };
      };
      const instructorScore = async () => {
        const res = await t.http
          .get(`${API}/analytics/instructor`)
          .set(...bearer(owner))
          .expect(200);
        return res.body.data.averageQuizScore as number;
      };

      const before = await courseQuiz();
      expect(before).toMatchObject({ attempts: 0, averageScore: 0, passRate: 0 });
      expect(sum(before.scoreDistribution.map((b) => b.count))).toBe(0);
      expect(await studentScore(ann)).toEqual({ averageQuizScore: 0, quizzesPassed: 0 });
      expect(await instructorScore()).toBe(0);

      await grade(owner, attempts[ann.user.id], {
        grades: [{ questionId: quiz.questions[1].id, pointsAwarded: 5 }],
      }).expect(200);
      // Figures are cached for 60 s: drop the cached answers, as their expiry would.
      const cache = t.app.get(KeyValueStore);
      for (const key of [`course:${own.id}`, `student:${ann.user.id}`, `instructor:${owner.id}`]) {
        await cache.delete(`analytics:${key}`);
      }

      const after = await courseQuiz();
      expect(after).toMatchObject({ attempts: 1, averageScore: 100, passRate: 1 });
      expect(after.scoreDistribution.find((b) => b.bucket === '90-100')!.count).toBe(1);
      expect(sum(after.scoreDistribution.map((b) => b.count))).toBe(1);
      expect(await studentScore(ann)).toEqual({ averageQuizScore: 100, quizzesPassed: 1 });
      expect(await studentScore(ben)).toEqual({ averageQuizScore: 0, quizzesPassed: 0 });
      expect(await instructorScore()).toBe(100);
    });
  });

  describe('migration', () => {
    it('keeps existing quizzes, questions and attempts valid: attempts become gradingStatus auto, new columns empty or defaulted', async () => {
      const own = await createTestApp();
      try {
        const migration = new QuizPoolsAndEssays1795937068491();
        const runner = own.dataSource.createQueryRunner();
        try {
          await migration.down(runner);
          // Rows as the previous schema held them.
          const [row] = await runner.query(
            `WITH u AS (
               INSERT INTO users (email, password_hash, full_name, role)
               VALUES ('old-' || gen_random_uuid() || '@example.com', 'x', 'Old', 'instructor')
               RETURNING id),
             c AS (
               INSERT INTO courses (title, slug, instructor_id)
               SELECT 'Old', 'old-' || gen_random_uuid(), id FROM u RETURNING id, instructor_id),
             e AS (
               INSERT INTO enrollments (student_id, course_id)
               SELECT instructor_id, id FROM c RETURNING id, student_id, course_id),
             q AS (
               INSERT INTO quizzes (course_id, title) SELECT id, 'Old quiz' FROM c RETURNING id),
             qq AS (
               INSERT INTO questions (quiz_id, text, type, correct_answer, position)
               SELECT id, 'Old?', 'true_false', 'true', 1 FROM q RETURNING id),
             a AS (
               INSERT INTO quiz_attempts (quiz_id, student_id, enrollment_id, attempt_number,
                                          status, started_at, question_order, score, passed)
               SELECT q.id, e.student_id, e.id, 1, 'submitted', now(), '[]', 1, true
                 FROM q, e RETURNING id)
             SELECT (SELECT id FROM a) AS attempt, (SELECT id FROM q) AS quiz,
                    (SELECT id FROM qq) AS question`,
          );
          await migration.up(runner);
          const [attempt] = await runner.query(
            `SELECT grading_status, option_orders, score, passed FROM quiz_attempts WHERE id = $1`,
            [row.attempt],
          );
          expect(attempt).toEqual({
            grading_status: 'auto',
            option_orders: null,
            score: 1,
            passed: true,
          });
          const [quiz] = await runner.query(
            `SELECT draw, shuffle_options FROM quizzes WHERE id = $1`,
            [row.quiz],
          );
          expect(quiz).toEqual({ draw: null, shuffle_options: false });
          const [question] = await runner.query(
            `SELECT pool, explanation, tolerance, correct_answer FROM questions WHERE id = $1`,
            [row.question],
          );
          expect(question).toEqual({
            pool: null,
            explanation: null,
            tolerance: null,
            correct_answer: true,
          });
        } finally {
          await runner.release();
        }
      } finally {
        await own.close();
        if (own.env.DATA_DIR) await rm(own.env.DATA_DIR, { recursive: true, force: true });
      }
    });
  });
});
