import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Response } from 'supertest';
import { Clock } from '../../src/common/time/clock';
import { createCourse, TestCourse } from '../factories/courses.factory';
import { enroll } from '../factories/enrollments.factory';
import { createQuiz as createQuizFor, TestQuiz } from '../factories/quizzes.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { createTestApp, TestApp } from '../utils/test-app';
import { expectError, expectValidationError, keysOf } from '../utils/expectations';
import {
  API,
  AttemptBody,
  CreateQuestionInput,
  CreateQuizInput,
  ISO_DATE,
  QuestionBody,
  StartedAttemptBody,
  UUID,
} from '../utils/contract';

const GRACE_MS = 30_000;

type Course = TestCourse & { lessonIds: string[] };
type Body = Record<string, unknown>;

interface Learner {
  user: TestUser;
  enrollmentId: string;
}

interface Answer {
  questionId: string;
  answer: unknown;
}

/** 10 points in all: 2 + 3 + 1 + 4. */
const STANDARD_QUESTIONS: CreateQuestionInput[] = [
  {
    text: 'Capital of France?',
    type: 'multiple_choice',
    options: ['Paris', 'Rome', 'Madrid'],
    correctAnswer: 'Paris',
    points: 2,
  },
  {
    text: 'Which are primes?',
    type: 'multiple_select',
    options: ['2', '3', '4', '5'],
    correctAnswer: ['2', '3', '5'],
    points: 3,
  },
  { text: 'The sky is blue', type: 'true_false', correctAnswer: true, points: 1 },
  {
    text: 'Who wrote the first program?',
    type: 'short_answer',
    correctAnswer: ['Ada Lovelace', 'Lovelace'],
    points: 4,
  },
];
const [MC, MS, TF, SA] = [0, 1, 2, 3];

function expectNoAnswers(res: Response): void {
  expect(res.status).toBeLessThan(300);
  expect([...keysOf(res.body)]).not.toContain('correctAnswer');
}

/** The right answer to a question, as a student would send it. */
function rightAnswer(question: QuestionBody): unknown {
  return question.type === 'short_answer'
    ? (question.correctAnswer as string[])[0]
    : question.correctAnswer;
}

const allRight = (questions: QuestionBody[]): Answer[] =>
  questions.map((question) => ({ questionId: question.id, answer: rightAnswer(question) }));

const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms);

describe('Quiz attempts (e2e)', () => {
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
    course = await createCourse(t, teacher, { lessons: 3, publish: true });
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  /** From now on the app's clock says `date` (tokens still use the real time). */
  const clockAt = (date: Date) => jest.spyOn(t.app.get(Clock), 'now').mockReturnValue(date);

  const createQuiz = (
    settings: Partial<CreateQuizInput> = {},
    questions: CreateQuestionInput[] = STANDARD_QUESTIONS,
    options: { publish?: boolean } = {},
  ): Promise<TestQuiz> => createQuizFor(t, teacher, course.id, settings, questions, options);

  async function learner(): Promise<Learner> {
    const user = await createUser(t, 'student');
    return { user, enrollmentId: (await enroll(t, user, course.id)).id };
  }

  const start = (user: TestUser | null, quizId: string) => {
    const req = t.http.post(`${API}/quizzes/${quizId}/attempts`);
    if (user) req.set(...bearer(user));
    return req;
  };

  async function started(user: TestUser, quizId: string): Promise<StartedAttemptBody> {
    const res = await start(user, quizId);
    expect(res.status).toBe(201);
    return res.body.data as StartedAttemptBody;
  }

  const submit = (user: TestUser | null, attemptId: string, body: unknown) => {
    const req = t.http.post(`${API}/attempts/${attemptId}/submit`);
    if (user) req.set(...bearer(user));
    return req.send(body as object);
  };

  async function submitted(user: TestUser, attemptId: string, answers: Answer[]) {
    const res = await submit(user, attemptId, { answers });
    expect(res.status).toBe(200);
    return res.body.data as AttemptBody;
  }

  const getAttempt = (user: TestUser | null, attemptId: string) => {
    const req = t.http.get(`${API}/attempts/${attemptId}`);
    if (user) req.set(...bearer(user));
    return req;
  };

  async function attemptOf(user: TestUser, attemptId: string): Promise<AttemptBody> {
    const res = await getAttempt(user, attemptId).expect(200);
    return res.body.data as AttemptBody;
  }

  const listAttempts = (user: TestUser | null, quizId: string, query: Body = {}) => {
    const req = t.http.get(`${API}/quizzes/${quizId}/attempts`).query(query);
    if (user) req.set(...bearer(user));
    return req;
  };

  async function storedAttempts(quizId: string) {
    return t.dataSource.query<
      Array<{ id: string; status: string; score: number | null; questionOrder: string[] }>
    >(
      `SELECT id, status, score, question_order AS "questionOrder"
         FROM quiz_attempts WHERE quiz_id = $1 ORDER BY attempt_number`,
      [quizId],
    );
  }

  async function eventsOf(type: string, resourceId: string): Promise<Array<{ data: unknown }>> {
    const rows = await t.dataSource.query<Array<{ payload: { data: unknown } }>>(
      `SELECT payload FROM outbox_messages
        WHERE name = 'domain-event' AND payload->>'type' = $1 AND payload->'data'->>'id' = $2`,
      [type, resourceId],
    );
    return rows.map((row) => row.payload);
  }

  describe('POST /quizzes/:id/attempts', () => {
    let quiz: TestQuiz;
    beforeAll(async () => {
      quiz = await createQuiz({ timeLimitMinutes: 15 });
    });

    it('starts an attempt with 201: the attempt and the questions, without answers', async () => {
      const { user } = await learner();
      const res = await start(user, quiz.id);
      expect(res.status).toBe(201);
      expectMatchesOpenApi(res, 'post', '/api/v1/quizzes/{id}/attempts');
      const body = res.body.data as StartedAttemptBody;
      expect(body.attempt).toEqual({
        id: expect.stringMatching(UUID),
        quizId: quiz.id,
        studentId: user.id,
        attemptNumber: 1,
        status: 'in_progress',
        gradingStatus: 'auto',
        startedAt: expect.stringMatching(ISO_DATE),
        expiresAt: expect.stringMatching(ISO_DATE),
        submittedAt: null,
        score: null,
        maxScore: null,
        percentage: null,
        passed: null,
      });
      expect(Date.parse(body.attempt.expiresAt!) - Date.parse(body.attempt.startedAt)).toBe(
        15 * 60_000,
      );
      expect(body.questions).toEqual(
        quiz.questions.map((question, index) => ({
          id: question.id,
          text: question.text,
          type: question.type,
          options: question.options,
          points: question.points,
          position: index + 1,
        })),
      );
      expectNoAnswers(res);
    });

    it('gives an attempt of a quiz without a time limit no expiresAt', async () => {
      const untimed = await createQuiz({}, [STANDARD_QUESTIONS[TF]]);
      const { user } = await learner();
      const { attempt } = await started(user, untimed.id);
      expect(attempt.expiresAt).toBeNull();
    });

    it('forbids a student who is not enrolled (403) and creates nothing', async () => {
      const outsider = await createUser(t, 'student');
      const own = await createQuiz({}, [STANDARD_QUESTIONS[TF]]);
      expectError(await start(outsider, own.id), 403, 'FORBIDDEN');
      expect(await storedAttempts(own.id)).toEqual([]);
    });

    it('forbids the course’s instructor, other instructors and admins (403)', async () => {
      for (const user of [teacher, otherTeacher, admin]) {
        expectError(await start(user, quiz.id), 403, 'FORBIDDEN');
      }
    });

    it('answers 401 without a token', async () => {
      expectError(await start(null, quiz.id), 401, 'UNAUTHORIZED');
    });

    it('answers 404 to an enrolled student for an unpublished quiz', async () => {
      const draft = await createQuiz({}, [STANDARD_QUESTIONS[TF]], { publish: false });
      const { user } = await learner();
      expectError(await start(user, draft.id), 404, 'NOT_FOUND');
      expect(await storedAttempts(draft.id)).toEqual([]);
    });

    it('answers 404 for an unknown quiz and 422 for an id that is not a UUID', async () => {
      const { user } = await learner();
      expectError(await start(user, randomUUID()), 404, 'NOT_FOUND');
      expectValidationError(await start(user, 'quiz-1'), 'id');
    });

    it('refuses a second start while an attempt is in progress (409)', async () => {
      const { user } = await learner();
      const first = await started(user, quiz.id);
      expectError(await start(user, quiz.id), 409, 'ATTEMPT_IN_PROGRESS');
      const mine = (await storedAttempts(quiz.id)).filter((a) => a.id === first.attempt.id);
      expect(mine).toHaveLength(1);
      expect((await attemptOf(user, first.attempt.id)).status).toBe('in_progress');
    });

    it('keeps refusing until the time limit plus 30 s has passed, then closes the expired attempt and starts anew', async () => {
      const { user } = await learner();
      const first = await started(user, quiz.id);
      const deadline = first.attempt.expiresAt!;

      clockAt(plus(deadline, GRACE_MS));
      expectError(await start(user, quiz.id), 409, 'ATTEMPT_IN_PROGRESS');

      const later = plus(deadline, GRACE_MS + 1_000);
      clockAt(later);
      const second = await started(user, quiz.id);
      expect(second.attempt).toMatchObject({
        attemptNumber: 2,
        status: 'in_progress',
        startedAt: later.toISOString(),
        expiresAt: plus(later.toISOString(), 15 * 60_000).toISOString(),
      });
      expect(await attemptOf(user, first.attempt.id)).toMatchObject({
        status: 'expired',
        score: 0,
        percentage: 0,
        passed: false,
        submittedAt: null,
      });
    });

    it('counts expired attempts towards maxAttempts: the third start of a 2-attempt quiz is 403', async () => {
      const limited = await createQuiz({ maxAttempts: 2, timeLimitMinutes: 5 });
      const { user } = await learner();
      const first = await started(user, limited.id);

      clockAt(plus(first.attempt.expiresAt!, GRACE_MS + 1_000));
      const second = await started(user, limited.id);
      expect(second.attempt.attemptNumber).toBe(2);
      await submitted(user, second.attempt.id, allRight(limited.questions));

      const third = await start(user, limited.id);
      expectError(third, 403, 'MAX_ATTEMPTS_REACHED');
      expect((await storedAttempts(limited.id)).map((a) => a.status)).toEqual([
        'expired',
        'submitted',
      ]);
    });

    it('refuses a start once maxAttempts submitted attempts are used up (403)', async () => {
      const once = await createQuiz({ maxAttempts: 1 }, [STANDARD_QUESTIONS[TF]]);
      const { user } = await learner();
      const only = await started(user, once.id);
      await submitted(user, only.attempt.id, []);
      expectError(await start(user, once.id), 403, 'MAX_ATTEMPTS_REACHED');
      // Another student still has their own attempt.
      const other = await learner();
      await started(other.user, once.id);
    });

    it('orders questions by position when the quiz does not shuffle', async () => {
      const [a, b, c] = STANDARD_QUESTIONS;
      const ordered = await createQuiz({}, [
        { ...c, position: 3 },
        { ...a, position: 1 },
        { ...b, position: 2 },
      ]);
      const { user } = await learner();
      for (let round = 0; round < 2; round++) {
        const attempt = await started(user, ordered.id);
        expect(attempt.questions.map((q) => q.text)).toEqual([a.text, b.text, c.text]);
        expect(attempt.questions.map((q) => q.position)).toEqual([1, 2, 3]);
        await submitted(user, attempt.attempt.id, []);
      }
    });

    it('shuffles per attempt and keeps each attempt’s order for grading and results', async () => {
      const eight = Array.from({ length: 8 }, (_, i): CreateQuestionInput => ({
        text: `Statement ${i + 1}`,
        type: 'true_false',
        correctAnswer: i % 3 === 0,
        points: i + 1,
      }));
      const shuffledQuiz = await createQuiz({ shuffleQuestions: true }, eight);
      const byId = new Map(shuffledQuiz.questions.map((q) => [q.id, q]));
      const { user } = await learner();
      const orders = new Set<string>();

      for (let round = 0; round < 6; round++) {
        const { attempt, questions } = await started(user, shuffledQuiz.id);
        const order = questions.map((q) => q.id);
        orders.add(order.join(','));
        expect([...order].sort()).toEqual([...byId.keys()].sort());
        expect(questions.map((q) => q.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        const [stored] = (await storedAttempts(shuffledQuiz.id)).filter((a) => a.id === attempt.id);
        expect(stored.questionOrder).toEqual(order);

        // Answers sent in another order are matched by question id, not by position.
        const answers = [...order]
          .reverse()
          .map((id) => ({ questionId: id, answer: byId.get(id)!.correctAnswer }));
        const graded = await submitted(user, attempt.id, answers);
        expect(graded).toMatchObject({ score: 36, maxScore: 36, percentage: 100, passed: true });
        expect(graded.results!.map((r) => r.questionId)).toEqual(order);
        const got = await attemptOf(user, attempt.id);
        expect(got.results!.map((r) => r.questionId)).toEqual(order);
      }
      expect(orders.size).toBeGreaterThanOrEqual(2);
    });
  });

  describe('answer secrecy', () => {
    it('never sends correctAnswer to a student before submitting: quiz list, quiz, start, attempt, attempts', async () => {
      const quiz = await createQuiz({ timeLimitMinutes: 30 });
      const { user } = await learner();
      expectNoAnswers(
        await t.http
          .get(`${API}/courses/${course.id}/quizzes`)
          .set(...bearer(user))
          .expect(200),
      );
      expectNoAnswers(
        await t.http
          .get(`${API}/quizzes/${quiz.id}`)
          .set(...bearer(user))
          .expect(200),
      );
      const startRes = await start(user, quiz.id);
      expectNoAnswers(startRes);
      const attemptId = (startRes.body.data as StartedAttemptBody).attempt.id;
      const got = await getAttempt(user, attemptId);
      expectNoAnswers(got);
      expect(got.body.data).not.toHaveProperty('results');
      const listed = await listAttempts(user, quiz.id);
      expectNoAnswers(listed);
      expect(listed.body.data).toHaveLength(1);
      const text = JSON.stringify([startRes.body, got.body, listed.body]);
      expect(text).not.toContain('Lovelace');
    });

    it('includes correctAnswer in results when showCorrectAnswers is true', async () => {
      const quiz = await createQuiz({ showCorrectAnswers: true });
      const { user } = await learner();
      const { attempt } = await started(user, quiz.id);
      const graded = await submitted(user, attempt.id, []);
      expect(graded.results!.map((r) => r.correctAnswer)).toEqual(
        quiz.questions.map((q) => q.correctAnswer),
      );
      const got = await attemptOf(user, attempt.id);
      expect(got.results!.map((r) => r.correctAnswer)).toEqual(
        quiz.questions.map((q) => q.correctAnswer),
      );
    });

    it('leaves correctAnswer out of results, the attempt and the list when showCorrectAnswers is false', async () => {
      const quiz = await createQuiz({ showCorrectAnswers: false });
      const { user } = await learner();
      const { attempt } = await started(user, quiz.id);
      const res = await submit(user, attempt.id, {
        answers: [{ questionId: quiz.questions[MC].id, answer: 'Rome' }],
      });
      expect(res.status).toBe(200);
      expectMatchesOpenApi(res, 'post', '/api/v1/attempts/{id}/submit');
      expectNoAnswers(res);
      expect(res.body.data.results).toHaveLength(4);
      expect(res.body.data.results[0]).toEqual({
        questionId: quiz.questions[MC].id,
        answer: 'Rome',
        correct: false,
        pointsAwarded: 0,
        feedback: null,
      });
      for (const user_ of [user, teacher]) {
        const got = await getAttempt(user_, attempt.id).expect(200);
        expectNoAnswers(got);
        expect(got.body.data.results).toHaveLength(4);
      }
      expectNoAnswers(await listAttempts(user, quiz.id).expect(200));
      expectNoAnswers(await listAttempts(teacher, quiz.id).expect(200));
    });
  });

  describe('POST /attempts/:id/submit', () => {
    let quiz: TestQuiz;
    beforeAll(async () => {
      quiz = await createQuiz({ timeLimitMinutes: 20 });
    });

    async function freshAttempt(
      on: TestQuiz = quiz,
    ): Promise<{ user: TestUser; attempt: AttemptBody }> {
      const { user } = await learner();
      const { attempt } = await started(user, on.id);
      return { user, attempt };
    }

    it('grades a fully right submission with 200: score, percentage, passed and per-question results', async () => {
      const { user, attempt } = await freshAttempt();
      const res = await submit(user, attempt.id, { answers: allRight(quiz.questions) });
      expect(res.status).toBe(200);
      expectMatchesOpenApi(res, 'post', '/api/v1/attempts/{id}/submit');
      expect(res.body.data).toEqual({
        ...attempt,
        status: 'submitted',
        submittedAt: expect.stringMatching(ISO_DATE),
        score: 10,
        maxScore: 10,
        percentage: 100,
        passed: true,
        results: quiz.questions.map((question) => ({
          questionId: question.id,
          answer: rightAnswer(question),
          correct: true,
          pointsAwarded: question.points,
          feedback: null,
          correctAnswer: question.correctAnswer,
          explanation: null,
        })),
      });
    });

    it.each([
      ['multiple_choice right', MC, 'Paris', true],
      ['multiple_choice wrong', MC, 'Rome', false],
      ['multiple_choice as a list', MC, ['Paris'], false],
      ['multiple_select in another order', MS, ['5', '2', '3'], true],
      ['multiple_select missing one option', MS, ['2', '3'], false],
      ['multiple_select with one option too many', MS, ['2', '3', '4', '5'], false],
      ['multiple_select as a string', MS, '2', false],
      ['true_false right', TF, true, true],
      ['true_false wrong', TF, false, false],
      ["true_false as the string 'true'", TF, 'true', false],
      ['short_answer with spaces and other case', SA, '  ada LOVELACE ', true],
      ['short_answer with the second accepted answer', SA, 'lovelace', true],
      ['short_answer wrong', SA, 'Charles Babbage', false],
    ])('grades %s', async (_name, index, answer, correct) => {
      const { user, attempt } = await freshAttempt();
      const question = quiz.questions[index];
      const graded = await submitted(user, attempt.id, [{ questionId: question.id, answer }]);
      const result = graded.results!.find((r) => r.questionId === question.id);
      expect(result).toEqual({
        questionId: question.id,
        answer,
        correct,
        pointsAwarded: correct ? question.points : 0,
        feedback: null,
        correctAnswer: question.correctAnswer,
        explanation: null,
      });
      expect(graded.score).toBe(correct ? question.points : 0);
      expect(graded.maxScore).toBe(10);
    });

    it('scores unanswered questions 0', async () => {
      const { user, attempt } = await freshAttempt();
      const graded = await submitted(user, attempt.id, []);
      expect(graded).toMatchObject({
        status: 'submitted',
        score: 0,
        maxScore: 10,
        percentage: 0,
        passed: false,
      });
      expect(graded.results).toEqual(
        quiz.questions.map((question) => ({
          questionId: question.id,
          answer: null,
          correct: false,
          pointsAwarded: 0,
          feedback: null,
          correctAnswer: question.correctAnswer,
          explanation: null,
        })),
      );
    });

    it('computes the percentage from points and fails below the passing score', async () => {
      const { user, attempt } = await freshAttempt();
      const answers = allRight(quiz.questions).filter((_, i) => i === MC || i === TF);
      const graded = await submitted(user, attempt.id, answers);
      expect(graded).toMatchObject({ score: 3, maxScore: 10, percentage: 30, passed: false });
    });

    it('passes at exactly the passing score and fails just below it', async () => {
      const sixty = await createQuiz({ passingScorePercentage: 60 });
      const right = allRight(sixty.questions);
      const atLine = await freshAttempt(sixty);
      const passed = await submitted(atLine.user, atLine.attempt.id, [right[MC], right[SA]]);
      expect(passed).toMatchObject({ score: 6, percentage: 60, passed: true });
      const below = await freshAttempt(sixty);
      const failed = await submitted(below.user, below.attempt.id, [right[MC], right[MS]]);
      expect(failed).toMatchObject({ score: 5, percentage: 50, passed: false });
    });

    it('rounds the percentage to two decimals', async () => {
      const thirds = await createQuiz({}, [
        { text: 'One', type: 'true_false', correctAnswer: true },
        { text: 'Two', type: 'true_false', correctAnswer: true },
        { text: 'Three', type: 'true_false', correctAnswer: true },
      ]);
      const { user, attempt } = await freshAttempt(thirds);
      const graded = await submitted(user, attempt.id, [
        { questionId: thirds.questions[0].id, answer: true },
      ]);
      expect(graded).toMatchObject({ score: 1, maxScore: 3, percentage: 33.33, passed: false });
    });

    it('rejects an answer to a question outside the quiz with 400 and keeps the attempt in progress', async () => {
      const other = await createQuiz({}, [STANDARD_QUESTIONS[TF]]);
      const { user, attempt } = await freshAttempt();
      for (const questionId of [other.questions[0].id, randomUUID()]) {
        const res = await submit(user, attempt.id, {
          answers: [...allRight(quiz.questions), { questionId, answer: true }],
        });
        expectError(res, 400, 'BAD_REQUEST');
      }
      const got = await attemptOf(user, attempt.id);
      expect(got).toMatchObject({ status: 'in_progress', score: null, submittedAt: null });
      expect(got).not.toHaveProperty('results');
      const graded = await submitted(user, attempt.id, allRight(quiz.questions));
      expect(graded.score).toBe(10);
    });

    it('rejects two answers to one question with 400 and keeps the attempt in progress', async () => {
      const { user, attempt } = await freshAttempt();
      const question = quiz.questions[MC];
      const res = await submit(user, attempt.id, {
        answers: [
          { questionId: question.id, answer: 'Rome' },
          { questionId: question.id, answer: 'Paris' },
        ],
      });
      expectError(res, 400, 'BAD_REQUEST');
      expect((await attemptOf(user, attempt.id)).status).toBe('in_progress');
    });

    it('refuses a second submit with 409 and keeps the first grading', async () => {
      const { user, attempt } = await freshAttempt();
      await submitted(user, attempt.id, allRight(quiz.questions));
      const again = await submit(user, attempt.id, { answers: [] });
      expectError(again, 409, 'ATTEMPT_ALREADY_SUBMITTED');
      expect(await attemptOf(user, attempt.id)).toMatchObject({
        status: 'submitted',
        score: 10,
        passed: true,
      });
    });

    it('forbids another student and the instructor to submit (403); the attempt stays open', async () => {
      const { user, attempt } = await freshAttempt();
      const { user: otherStudent } = await learner();
      for (const caller of [otherStudent, teacher, admin]) {
        expectError(
          await submit(caller, attempt.id, { answers: allRight(quiz.questions) }),
          403,
          'FORBIDDEN',
        );
      }
      expect((await attemptOf(user, attempt.id)).status).toBe('in_progress');
    });

    it('accepts a submit within the 30 s grace after expiresAt', async () => {
      const { user, attempt } = await freshAttempt();
      const late = plus(attempt.expiresAt!, GRACE_MS - 1_000);
      clockAt(late);
      const graded = await submitted(user, attempt.id, allRight(quiz.questions));
      expect(graded).toMatchObject({
        status: 'submitted',
        score: 10,
        submittedAt: late.toISOString(),
      });
    });

    it('refuses a submit after the grace with 409 ATTEMPT_EXPIRED and records the attempt as expired with score 0', async () => {
      const { user, attempt } = await freshAttempt();
      clockAt(plus(attempt.expiresAt!, GRACE_MS + 1_000));
      expectError(
        await submit(user, attempt.id, { answers: allRight(quiz.questions) }),
        409,
        'ATTEMPT_EXPIRED',
      );
      jest.restoreAllMocks();
      const got = await getAttempt(user, attempt.id).expect(200);
      expectMatchesOpenApi(got, 'get', '/api/v1/attempts/{id}');
      expect(got.body.data).toMatchObject({
        status: 'expired',
        score: 0,
        maxScore: 10,
        percentage: 0,
        passed: false,
        submittedAt: null,
      });
      expectError(
        await submit(user, attempt.id, { answers: allRight(quiz.questions) }),
        409,
        'ATTEMPT_EXPIRED',
      );
      const [listed] = (await listAttempts(user, quiz.id).expect(200)).body.data as AttemptBody[];
      expect(listed).toMatchObject({ id: attempt.id, status: 'expired', score: 0, maxScore: 10 });
    });

    it('shows an attempt past its deadline as expired with score 0 on GET', async () => {
      const { user, attempt } = await freshAttempt();
      clockAt(plus(attempt.expiresAt!, GRACE_MS + 1_000));
      expect(await attemptOf(user, attempt.id)).toMatchObject({
        status: 'expired',
        score: 0,
        maxScore: 10,
      });
    });

    it('completes the quiz’s lesson when the quiz is passed, and not when it is failed', async () => {
      const lessonId = course.lessonIds[1];
      const tied = await createQuiz({ lessonId });
      const lessonOf = async (who: Learner) => {
        const res = await t.http
          .get(`${API}/enrollments/${who.enrollmentId}`)
          .set(...bearer(who.user))
          .expect(200);
        const entry = (
          res.body.data.lessons as Array<{ lessonId: string; completed: boolean }>
        ).find((lesson) => lesson.lessonId === lessonId);
        return { completed: entry?.completed, completedLessons: res.body.data.completedLessons };
      };

      const passer = await learner();
      const passAttempt = await started(passer.user, tied.id);
      const passed = await submitted(passer.user, passAttempt.attempt.id, allRight(tied.questions));
      expect(passed.passed).toBe(true);
      expect(await lessonOf(passer)).toEqual({ completed: true, completedLessons: 1 });
      expect(await eventsOf('lesson.completed', passer.enrollmentId)).toHaveLength(1);

      const failer = await learner();
      const failAttempt = await started(failer.user, tied.id);
      const failed = await submitted(failer.user, failAttempt.attempt.id, []);
      expect(failed.passed).toBe(false);
      expect(await lessonOf(failer)).toEqual({ completed: false, completedLessons: 0 });
      expect(await eventsOf('lesson.completed', failer.enrollmentId)).toHaveLength(0);
    });

    it('writes one quiz.attempt.submitted event carrying the graded attempt', async () => {
      const { user, attempt } = await freshAttempt();
      const graded = await submitted(user, attempt.id, allRight(quiz.questions));
      const events = await eventsOf('quiz.attempt.submitted', attempt.id);
      expect(events).toEqual([
        {
          id: expect.stringMatching(UUID),
          type: 'quiz.attempt.submitted',
          timestamp: expect.stringMatching(ISO_DATE),
          data: graded,
        },
      ]);
    });

    it.each([
      ['a missing answers list', {}, 'answers'],
      ['answers that are not a list', { answers: 'Paris' }, 'answers'],
      [
        'a questionId that is not a UUID',
        { answers: [{ questionId: 'q1', answer: true }] },
        'answers.0.questionId',
      ],
      ['a missing answer', { answers: [{ questionId: randomUUID() }] }, 'answers.0.answer'],
      [
        'a null answer',
        { answers: [{ questionId: randomUUID(), answer: null }] },
        'answers.0.answer',
      ],
      [
        'a list holding booleans as answer',
        { answers: [{ questionId: randomUUID(), answer: [true] }] },
        'answers.0.answer',
      ],
      [
        'an object as answer',
        { answers: [{ questionId: randomUUID(), answer: { text: 'Paris' } }] },
        'answers.0.answer',
      ],
      [
        'a list holding a non-string as answer',
        { answers: [{ questionId: randomUUID(), answer: ['2', 3] }] },
        'answers.0.answer',
      ],
      [
        'an unknown field in an answer',
        { answers: [{ questionId: randomUUID(), answer: true, confidence: 1 }] },
        'answers.0.confidence',
      ],
      ['an unknown field', { answers: [], finished: true }, 'finished'],
    ])('rejects %s with 422 and keeps the attempt open', async (_name, body, field) => {
      const { user, attempt } = await freshAttempt();
      expectValidationError(await submit(user, attempt.id, body), field);
      expect((await attemptOf(user, attempt.id)).status).toBe('in_progress');
    });

    it('answers 404 for an unknown attempt, 422 for a bad id and 401 without a token', async () => {
      const { user, attempt } = await freshAttempt();
      expectError(await submit(user, randomUUID(), { answers: [] }), 404, 'NOT_FOUND');
      expectValidationError(await submit(user, 'attempt-1', { answers: [] }), 'id');
      expectError(await submit(null, attempt.id, { answers: [] }), 401, 'UNAUTHORIZED');
    });
  });

  describe('GET /quizzes/:id/attempts', () => {
    let quiz: TestQuiz;
    let ann: Learner;
    let bob: Learner;
    let annAttempts: string[];
    let bobAttempt: string;

    beforeAll(async () => {
      quiz = await createQuiz();
      [ann, bob] = [await learner(), await learner()];
      const first = await started(ann.user, quiz.id);
      await submitted(ann.user, first.attempt.id, allRight(quiz.questions));
      const second = await started(ann.user, quiz.id);
      annAttempts = [second.attempt.id, first.attempt.id];
      bobAttempt = (await started(bob.user, quiz.id)).attempt.id;
    });

    const ids = (res: Response) => (res.body.data as AttemptBody[]).map((a) => a.id);

    it('lists a student’s own attempts only, newest first', async () => {
      const res = await listAttempts(ann.user, quiz.id).expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/quizzes/{id}/attempts');
      expect(ids(res)).toEqual(annAttempts);
      expect(res.body.data[1]).toMatchObject({ status: 'submitted', score: 10 });
      const own = await listAttempts(ann.user, quiz.id, { studentId: ann.user.id }).expect(200);
      expect(ids(own)).toEqual(annAttempts);
    });

    it('forbids a student to list another student’s attempts (403)', async () => {
      expectError(
        await listAttempts(ann.user, quiz.id, { studentId: bob.user.id }),
        403,
        'FORBIDDEN',
      );
    });

    it('lists every attempt to the course’s instructor and admins, filtered by studentId on request', async () => {
      for (const user of [teacher, admin]) {
        const all = await listAttempts(user, quiz.id).expect(200);
        expectMatchesOpenApi(all, 'get', '/api/v1/quizzes/{id}/attempts');
        expect(ids(all).sort()).toEqual([...annAttempts, bobAttempt].sort());
        const onlyBob = await listAttempts(user, quiz.id, { studentId: bob.user.id }).expect(200);
        expect(ids(onlyBob)).toEqual([bobAttempt]);
      }
    });

    it('lists an attempt past its deadline as expired with score 0, to the student and the instructor', async () => {
      const timed = await createQuiz({ timeLimitMinutes: 5 });
      const who = await learner();
      const { attempt } = await started(who.user, timed.id);
      const before = await listAttempts(who.user, timed.id).expect(200);
      expect(before.body.data[0]).toMatchObject({ id: attempt.id, status: 'in_progress' });

      clockAt(plus(attempt.expiresAt!, GRACE_MS + 1_000));
      for (const user of [who.user, teacher]) {
        const res = await listAttempts(user, timed.id).expect(200);
        expectMatchesOpenApi(res, 'get', '/api/v1/quizzes/{id}/attempts');
        expect(res.body.data).toEqual([
          expect.objectContaining({
            id: attempt.id,
            status: 'expired',
            score: 0,
            percentage: 0,
            passed: false,
          }),
        ]);
      }
      expect((await storedAttempts(timed.id)).map((a) => a.status)).toEqual(['expired']);
    });

    it('shows another instructor no one else’s attempts', async () => {
      const res = await listAttempts(otherTeacher, quiz.id).expect(200);
      expect(res.body.data).toEqual([]);
    });

    it('rejects a studentId that is not a UUID and unknown query fields with 422', async () => {
      expectValidationError(
        await listAttempts(teacher, quiz.id, { studentId: 'ann' }),
        'studentId',
      );
      expectValidationError(
        await listAttempts(teacher, quiz.id, { status: 'submitted' }),
        'status',
      );
    });

    it('answers 401 without a token and 404 for an unknown or unpublished quiz', async () => {
      expectError(await listAttempts(null, quiz.id), 401, 'UNAUTHORIZED');
      expectError(await listAttempts(ann.user, randomUUID()), 404, 'NOT_FOUND');
      const draft = await createQuiz({}, [STANDARD_QUESTIONS[TF]], { publish: false });
      expectError(await listAttempts(ann.user, draft.id), 404, 'NOT_FOUND');
    });
  });

  describe('GET /attempts/:id', () => {
    let quiz: TestQuiz;
    let owner: Learner;
    let attemptId: string;

    beforeAll(async () => {
      quiz = await createQuiz({ timeLimitMinutes: 30 });
      owner = await learner();
      attemptId = (await started(owner.user, quiz.id)).attempt.id;
    });

    it('shows the student their attempt, without results while in progress', async () => {
      const res = await getAttempt(owner.user, attemptId).expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/attempts/{id}');
      expect(res.body.data).toMatchObject({
        id: attemptId,
        quizId: quiz.id,
        studentId: owner.user.id,
        status: 'in_progress',
      });
      expect(res.body.data).not.toHaveProperty('results');
    });

    it('shows the attempt to the course’s instructor and to admins', async () => {
      for (const user of [teacher, admin]) {
        const res = await getAttempt(user, attemptId).expect(200);
        expectMatchesOpenApi(res, 'get', '/api/v1/attempts/{id}');
        expect(res.body.data.id).toBe(attemptId);
      }
    });

    it('forbids another student and another instructor (403)', async () => {
      const { user: other } = await learner();
      for (const user of [other, otherTeacher]) {
        expectError(await getAttempt(user, attemptId), 403, 'FORBIDDEN');
      }
    });

    it('answers 404 for an unknown attempt, 422 for a bad id and 401 without a token', async () => {
      expectError(await getAttempt(owner.user, randomUUID()), 404, 'NOT_FOUND');
      expectValidationError(await getAttempt(owner.user, 'attempt-1'), 'id');
      expectError(await getAttempt(null, attemptId), 401, 'UNAUTHORIZED');
    });
  });

  describe('concurrency', () => {
    it('starts exactly one attempt from 10 concurrent starts of one student: one 201, nine 409', async () => {
      const quiz = await createQuiz({ timeLimitMinutes: 10 });
      const { user } = await learner();
      const responses = await Promise.all(Array.from({ length: 10 }, () => start(user, quiz.id)));
      expect(responses.map((res) => res.status).sort()).toEqual([
        201, 409, 409, 409, 409, 409, 409, 409, 409, 409,
      ]);
      for (const res of responses.filter((r) => r.status === 409)) {
        expect(res.body.error.code).toBe('ATTEMPT_IN_PROGRESS');
      }
      const stored = await storedAttempts(quiz.id);
      expect(stored).toHaveLength(1);
      const winner = responses.find((res) => res.status === 201)!;
      expect(stored[0].id).toBe(winner.body.data.attempt.id);
    });

    it('grades once from 2 concurrent submits of one attempt: one 200, one 409, one event, one completion', async () => {
      const quiz = await createQuiz({ lessonId: course.lessonIds[2] });
      const who = await learner();
      const { attempt } = await started(who.user, quiz.id);
      const answers = allRight(quiz.questions);
      const responses = await Promise.all([
        submit(who.user, attempt.id, { answers }),
        submit(who.user, attempt.id, { answers }),
      ]);
      expect(responses.map((res) => res.status).sort()).toEqual([200, 409]);
      const loser = responses.find((res) => res.status === 409)!;
      expect(loser.body.error.code).toBe('ATTEMPT_ALREADY_SUBMITTED');

      expect(await storedAttempts(quiz.id)).toEqual([
        expect.objectContaining({ id: attempt.id, status: 'submitted', score: 10 }),
      ]);
      expect(await attemptOf(who.user, attempt.id)).toMatchObject({
        score: 10,
        maxScore: 10,
        percentage: 100,
      });
      expect(await eventsOf('quiz.attempt.submitted', attempt.id)).toHaveLength(1);
      expect(await eventsOf('lesson.completed', who.enrollmentId)).toHaveLength(1);
      const enrollment = await t.http
        .get(`${API}/enrollments/${who.enrollmentId}`)
        .set(...bearer(who.user))
        .expect(200);
      expect(enrollment.body.data.completedLessons).toBe(1);
    });
  });
});
