import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Response } from 'supertest';
import { createCourse, TestCourse } from '../factories/courses.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { createTestApp, TestApp } from '../utils/test-app';
import { expectError, expectValidationError, keysOf } from '../utils/expectations';
import { API, ISO_DATE, payload, QuestionBody, QuizBody, UUID } from '../utils/contract';

type Course = TestCourse & { lessonIds: string[] };

type Body = Record<string, unknown>;

const MULTIPLE_CHOICE: Body = {
  text: 'Capital of France?',
  type: 'multiple_choice',
  options: ['Paris', 'Rome', 'Madrid'],
  correctAnswer: 'Paris',
};
const MULTIPLE_SELECT: Body = {
  text: 'Which are primes?',
  type: 'multiple_select',
  options: ['2', '3', '4', '5'],
  correctAnswer: ['2', '3', '5'],
  points: 3,
};
const TRUE_FALSE: Body = { text: 'The sky is blue', type: 'true_false', correctAnswer: true };
const SHORT_ANSWER: Body = {
  text: 'Who wrote the first program?',
  type: 'short_answer',
  correctAnswer: ['Ada Lovelace', 'Lovelace'],
  points: 4,
};

function expectNoAnswers(res: Response): void {
  expect([...keysOf(res.body)]).not.toContain('correctAnswer');
}

describe('Quizzes and questions (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let teacher: TestUser;
  let otherTeacher: TestUser;
  let student: TestUser;
  let course: Course;
  let otherCourse: Course;

  beforeAll(async () => {
    t = await createTestApp();
    [admin, teacher, otherTeacher, student] = await Promise.all([
      createUser(t, 'admin'),
      createUser(t, 'instructor'),
      createUser(t, 'instructor'),
      createUser(t, 'student'),
    ]);
    course = await createCourse(t, teacher, { lessons: 2, publish: true });
    otherCourse = await createCourse(t, teacher, { lessons: 1, publish: true });
    await t.http
      .post(`${API}/enrollments`)
      .set(...bearer(student))
      .send({ courseId: course.id })
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  const postQuiz = (user: TestUser | null, courseId: string, body: Body) => {
    const req = t.http.post(`${API}/courses/${courseId}/quizzes`);
    if (user) req.set(...bearer(user));
    return req.send(body);
  };

  async function createQuiz(body: Body = {}, courseId = course.id): Promise<QuizBody> {
    const res = await postQuiz(teacher, courseId, { title: 'Quiz', ...body }).expect(201);
    return payload<QuizBody>(res);
  }

  const postQuestion = (user: TestUser | null, quizId: string, body: Body) => {
    const req = t.http.post(`${API}/quizzes/${quizId}/questions`);
    if (user) req.set(...bearer(user));
    return req.send(body);
  };

  async function addQuestion(quizId: string, body: Body): Promise<QuestionBody> {
    const res = await postQuestion(teacher, quizId, body).expect(201);
    return payload<QuestionBody>(res);
  }

  const publish = (user: TestUser, quizId: string) =>
    t.http.post(`${API}/quizzes/${quizId}/publish`).set(...bearer(user));

  /** A published quiz of `course` with one multiple-choice question. */
  async function publishedQuiz(body: Body = {}): Promise<QuizBody> {
    const quiz = await createQuiz(body);
    await addQuestion(quiz.id, MULTIPLE_CHOICE);
    const res = await publish(teacher, quiz.id).expect(200);
    return payload<QuizBody>(res);
  }

  const getQuiz = (user: TestUser | null, quizId: string) => {
    const req = t.http.get(`${API}/quizzes/${quizId}`);
    if (user) req.set(...bearer(user));
    return req;
  };

  const listQuizzes = (user: TestUser | null, courseId: string) => {
    const req = t.http.get(`${API}/courses/${courseId}/quizzes`);
    if (user) req.set(...bearer(user));
    return req;
  };

  const listQuestions = (user: TestUser | null, quizId: string) => {
    const req = t.http.get(`${API}/quizzes/${quizId}/questions`);
    if (user) req.set(...bearer(user));
    return req;
  };

  async function questionCount(quizId: string): Promise<number> {
    const [{ count }] = await t.dataSource.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM questions WHERE quiz_id = $1',
      [quizId],
    );
    return count;
  }

  describe('POST /courses/:id/quizzes', () => {
    it('creates an unpublished quiz with 201, the documented shape and the defaults', async () => {
      const res = await postQuiz(teacher, course.id, { title: '  Week 1 check  ' }).expect(201);
      expectMatchesOpenApi(res, 'post', '/api/v1/courses/{id}/quizzes');
      const quiz = payload<QuizBody>(res);
      expect(quiz).toEqual({
        id: expect.stringMatching(UUID),
        courseId: course.id,
        lessonId: null,
        title: 'Week 1 check',
        description: null,
        timeLimitMinutes: null,
        passingScorePercentage: 70,
        shuffleQuestions: false,
        shuffleOptions: false,
        draw: null,
        maxAttempts: null,
        showCorrectAnswers: true,
        isPublished: false,
        questionCount: 0,
        totalPoints: 0,
        createdAt: expect.stringMatching(ISO_DATE),
        updatedAt: expect.stringMatching(ISO_DATE),
      });
    });

    it('stores every optional field as given, with a lesson of the same course', async () => {
      const body = {
        title: 'Final exam',
        description: 'Everything so far',
        lessonId: course.lessonIds[1],
        timeLimitMinutes: 45,
        passingScorePercentage: 0,
        shuffleQuestions: true,
        maxAttempts: 3,
        showCorrectAnswers: false,
      };
      const res = await postQuiz(teacher, course.id, body).expect(201);
      expect(res.body.data).toMatchObject({ ...body, isPublished: false });
      const got = await getQuiz(teacher, res.body.data.id).expect(200);
      expect(got.body.data).toMatchObject(body);
    });

    it('lets an admin create a quiz in any course', async () => {
      const res = await postQuiz(admin, course.id, { title: 'By admin' }).expect(201);
      expect(res.body.data).toMatchObject({ courseId: course.id, isPublished: false });
    });

    it('rejects a lessonId of another course with 422 and creates nothing', async () => {
      const before = (await listQuizzes(teacher, course.id).expect(200)).body.data.length;
      const res = await postQuiz(teacher, course.id, {
        title: 'Misplaced',
        lessonId: otherCourse.lessonIds[0],
      });
      expectValidationError(res, 'lessonId');
      const after = (await listQuizzes(teacher, course.id).expect(200)).body.data.length;
      expect(after).toBe(before);
    });

    it('rejects a lessonId that is no lesson at all with 422', async () => {
      expectValidationError(
        await postQuiz(teacher, course.id, { title: 'Ghost', lessonId: randomUUID() }),
        'lessonId',
      );
    });

    it.each([
      ['passingScorePercentage 101', { passingScorePercentage: 101 }, 'passingScorePercentage'],
      ['passingScorePercentage -1', { passingScorePercentage: -1 }, 'passingScorePercentage'],
      ['passingScorePercentage 50.5', { passingScorePercentage: 50.5 }, 'passingScorePercentage'],
      ['passingScorePercentage "70"', { passingScorePercentage: '70' }, 'passingScorePercentage'],
      ['passingScorePercentage null', { passingScorePercentage: null }, 'passingScorePercentage'],
      ['timeLimitMinutes 0', { timeLimitMinutes: 0 }, 'timeLimitMinutes'],
      ['timeLimitMinutes 1441', { timeLimitMinutes: 1441 }, 'timeLimitMinutes'],
      ['maxAttempts 0', { maxAttempts: 0 }, 'maxAttempts'],
      ['shuffleQuestions "yes"', { shuffleQuestions: 'yes' }, 'shuffleQuestions'],
      ['shuffleQuestions null', { shuffleQuestions: null }, 'shuffleQuestions'],
      ['showCorrectAnswers null', { showCorrectAnswers: null }, 'showCorrectAnswers'],
      ['lessonId not a UUID', { lessonId: 'lesson-1' }, 'lessonId'],
      ['an empty title', { title: '   ' }, 'title'],
      ['a title over 200 characters', { title: 'x'.repeat(201) }, 'title'],
      ['the unknown field isPublished', { isPublished: true }, 'isPublished'],
      ['an unknown field', { difficulty: 'hard' }, 'difficulty'],
    ])('rejects %s with 422', async (_name, body, field) => {
      expectValidationError(await postQuiz(teacher, course.id, { title: 'Quiz', ...body }), field);
    });

    it('rejects a missing title with 422', async () => {
      expectValidationError(await postQuiz(teacher, course.id, {}), 'title');
    });

    it('forbids a student (403)', async () => {
      expectError(await postQuiz(student, course.id, { title: 'Mine' }), 403, 'FORBIDDEN');
    });

    it('forbids another instructor (403)', async () => {
      expectError(await postQuiz(otherTeacher, course.id, { title: 'Mine' }), 403, 'FORBIDDEN');
    });

    it('answers 401 without a token', async () => {
      expectError(await postQuiz(null, course.id, { title: 'Anon' }), 401, 'UNAUTHORIZED');
    });

    it('answers 404 for a draft course of another instructor', async () => {
      const draft = await createCourse(t, otherTeacher);
      expectError(await postQuiz(teacher, draft.id, { title: 'Sneaky' }), 404, 'NOT_FOUND');
    });

    it('answers 404 for an unknown course and 422 for a course id that is not a UUID', async () => {
      expectError(await postQuiz(teacher, randomUUID(), { title: 'Nowhere' }), 404, 'NOT_FOUND');
      expectValidationError(await postQuiz(teacher, 'not-a-uuid', { title: 'Bad' }), 'id');
    });
  });

  describe('GET /courses/:id/quizzes', () => {
    let listCourse: Course;
    let published: QuizBody;
    let draft: QuizBody;

    beforeAll(async () => {
      listCourse = await createCourse(t, teacher, { publish: true });
      published = await createQuiz({ title: 'Published one' }, listCourse.id);
      await addQuestion(published.id, { ...MULTIPLE_CHOICE, points: 2 });
      await addQuestion(published.id, TRUE_FALSE);
      await publish(teacher, published.id).expect(200);
      draft = await createQuiz({ title: 'Draft one' }, listCourse.id);
    });

    it('shows students the published quizzes only, with counts and without answers', async () => {
      const res = await listQuizzes(student, listCourse.id).expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/courses/{id}/quizzes');
      expect(res.body.data).toEqual([
        expect.objectContaining({
          id: published.id,
          isPublished: true,
          questionCount: 2,
          totalPoints: 3,
        }),
      ]);
      expectNoAnswers(res);
    });

    it('shows anonymous callers and other instructors the published quizzes only', async () => {
      const anonymous = await listQuizzes(null, listCourse.id).expect(200);
      expect(anonymous.body.data.map((q: QuizBody) => q.id)).toEqual([published.id]);
      const other = await listQuizzes(otherTeacher, listCourse.id).expect(200);
      expect(other.body.data.map((q: QuizBody) => q.id)).toEqual([published.id]);
    });

    it('shows the owner and admins every quiz, drafts included, in creation order', async () => {
      for (const user of [teacher, admin]) {
        const res = await listQuizzes(user, listCourse.id).expect(200);
        expectMatchesOpenApi(res, 'get', '/api/v1/courses/{id}/quizzes');
        expect(res.body.data.map((q: QuizBody) => q.id)).toEqual([published.id, draft.id]);
        expect(res.body.data[1]).toMatchObject({ isPublished: false, questionCount: 0 });
      }
    });

    it('answers 404 to students for a draft course, while its owner sees its quizzes', async () => {
      const draftCourse = await createCourse(t, teacher);
      const quiz = await createQuiz({ title: 'Hidden' }, draftCourse.id);
      expectError(await listQuizzes(student, draftCourse.id), 404, 'NOT_FOUND');
      const own = await listQuizzes(teacher, draftCourse.id).expect(200);
      expect(own.body.data.map((q: QuizBody) => q.id)).toEqual([quiz.id]);
    });

    it('answers 404 for an unknown course', async () => {
      expectError(await listQuizzes(student, randomUUID()), 404, 'NOT_FOUND');
    });
  });

  describe('GET /quizzes/:id', () => {
    it('returns a published quiz with questionCount and totalPoints, without answers', async () => {
      const quiz = await createQuiz({ title: 'Counted' });
      await addQuestion(quiz.id, { ...MULTIPLE_CHOICE, points: 2 });
      await addQuestion(quiz.id, TRUE_FALSE);
      await addQuestion(quiz.id, { ...SHORT_ANSWER, points: 5 });
      await publish(teacher, quiz.id).expect(200);
      const res = await getQuiz(student, quiz.id).expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/quizzes/{id}');
      expect(res.body.data).toMatchObject({
        id: quiz.id,
        isPublished: true,
        questionCount: 3,
        totalPoints: 8,
      });
      expectNoAnswers(res);
      const anonymous = await getQuiz(null, quiz.id).expect(200);
      expect(anonymous.body.data.totalPoints).toBe(8);
    });

    it('answers 404 for an unpublished quiz to students, anonymous callers and other instructors', async () => {
      const quiz = await createQuiz({ title: 'Secret' });
      await addQuestion(quiz.id, MULTIPLE_CHOICE);
      for (const user of [student, null, otherTeacher]) {
        expectError(await getQuiz(user, quiz.id), 404, 'NOT_FOUND');
      }
    });

    it('shows an unpublished quiz to its owner and admins', async () => {
      const quiz = await createQuiz({ title: 'Work in progress' });
      for (const user of [teacher, admin]) {
        const res = await getQuiz(user, quiz.id).expect(200);
        expectMatchesOpenApi(res, 'get', '/api/v1/quizzes/{id}');
        expect(res.body.data).toMatchObject({ id: quiz.id, isPublished: false });
      }
    });

    it('answers 404 for an unknown quiz and 422 for an id that is not a UUID', async () => {
      expectError(await getQuiz(teacher, randomUUID()), 404, 'NOT_FOUND');
      expectValidationError(await getQuiz(teacher, 'quiz-1'), 'id');
    });
  });

  describe('PATCH /quizzes/:id', () => {
    const patch = (user: TestUser | null, quizId: string, body: Body) => {
      const req = t.http.patch(`${API}/quizzes/${quizId}`);
      if (user) req.set(...bearer(user));
      return req.send(body);
    };

    it('lets the owner change fields with 200 and keeps the others', async () => {
      const quiz = await createQuiz({ title: 'Before', timeLimitMinutes: 10 });
      const res = await patch(teacher, quiz.id, {
        title: 'After',
        passingScorePercentage: 55,
        shuffleQuestions: true,
        maxAttempts: 2,
        lessonId: course.lessonIds[0],
      }).expect(200);
      expectMatchesOpenApi(res, 'patch', '/api/v1/quizzes/{id}');
      expect(res.body.data).toMatchObject({
        id: quiz.id,
        title: 'After',
        passingScorePercentage: 55,
        shuffleQuestions: true,
        maxAttempts: 2,
        lessonId: course.lessonIds[0],
        timeLimitMinutes: 10,
        showCorrectAnswers: true,
        isPublished: false,
      });
      const got = await getQuiz(teacher, quiz.id).expect(200);
      expect(got.body.data).toMatchObject({ title: 'After', passingScorePercentage: 55 });
    });

    it('clears the nullable fields with null', async () => {
      const quiz = await createQuiz({
        lessonId: course.lessonIds[0],
        timeLimitMinutes: 5,
        maxAttempts: 1,
        description: 'text',
      });
      const res = await patch(teacher, quiz.id, {
        lessonId: null,
        timeLimitMinutes: null,
        maxAttempts: null,
        description: null,
      }).expect(200);
      expect(res.body.data).toMatchObject({
        lessonId: null,
        timeLimitMinutes: null,
        maxAttempts: null,
        description: null,
      });
    });

    it('answers 200 with the quiz unchanged for an empty body', async () => {
      const quiz = await createQuiz({ title: 'Stable' });
      const res = await patch(teacher, quiz.id, {}).expect(200);
      expect(res.body.data).toMatchObject({ id: quiz.id, title: 'Stable' });
    });

    it('lets an admin change a quiz', async () => {
      const quiz = await createQuiz();
      const res = await patch(admin, quiz.id, { title: 'Admin edit' }).expect(200);
      expect(res.body.data.title).toBe('Admin edit');
    });

    it.each<[string, () => Body, string]>([
      [
        'passingScorePercentage 101',
        () => ({ passingScorePercentage: 101 }),
        'passingScorePercentage',
      ],
      [
        'passingScorePercentage -1',
        () => ({ passingScorePercentage: -1 }),
        'passingScorePercentage',
      ],
      ['title null', () => ({ title: null }), 'title'],
      [
        'passingScorePercentage null',
        () => ({ passingScorePercentage: null }),
        'passingScorePercentage',
      ],
      ['shuffleQuestions null', () => ({ shuffleQuestions: null }), 'shuffleQuestions'],
      ['showCorrectAnswers null', () => ({ showCorrectAnswers: null }), 'showCorrectAnswers'],
      ['the unknown field isPublished', () => ({ isPublished: true }), 'isPublished'],
      ['a lessonId of another course', () => ({ lessonId: otherCourse.lessonIds[0] }), 'lessonId'],
    ])('rejects %s with 422 and changes nothing', async (_name, body, field) => {
      const quiz = await createQuiz({ title: 'Unchanged', passingScorePercentage: 80 });
      expectValidationError(await patch(teacher, quiz.id, body()), field);
      const got = await getQuiz(teacher, quiz.id).expect(200);
      expect(got.body.data).toMatchObject({
        title: 'Unchanged',
        passingScorePercentage: 80,
        shuffleQuestions: false,
        showCorrectAnswers: true,
        lessonId: null,
        isPublished: false,
      });
    });

    it('forbids students and other instructors (403) and leaves the quiz as it was', async () => {
      const quiz = await publishedQuiz({ title: 'Theirs' });
      for (const user of [student, otherTeacher]) {
        expectError(await patch(user, quiz.id, { title: 'Hijacked' }), 403, 'FORBIDDEN');
      }
      expect((await getQuiz(teacher, quiz.id).expect(200)).body.data.title).toBe('Theirs');
    });

    it('answers 401 without a token and 404 for an unknown quiz', async () => {
      const quiz = await createQuiz();
      expectError(await patch(null, quiz.id, { title: 'x' }), 401, 'UNAUTHORIZED');
      expectError(await patch(teacher, randomUUID(), { title: 'x' }), 404, 'NOT_FOUND');
    });
  });

  describe('DELETE /quizzes/:id', () => {
    const remove = (user: TestUser | null, quizId: string) => {
      const req = t.http.delete(`${API}/quizzes/${quizId}`);
      if (user) req.set(...bearer(user));
      return req;
    };

    it('lets the owner delete a quiz with 204, taking its questions with it', async () => {
      const quiz = await publishedQuiz();
      const res = await remove(teacher, quiz.id).expect(204);
      expect(res.text).toBe('');
      expectError(await getQuiz(teacher, quiz.id), 404, 'NOT_FOUND');
      expect(await questionCount(quiz.id)).toBe(0);
    });

    it('lets an admin delete a quiz', async () => {
      const quiz = await createQuiz();
      await remove(admin, quiz.id).expect(204);
      expectError(await getQuiz(teacher, quiz.id), 404, 'NOT_FOUND');
    });

    it('forbids students and other instructors (403) and keeps the quiz', async () => {
      const quiz = await publishedQuiz();
      for (const user of [student, otherTeacher]) {
        expectError(await remove(user, quiz.id), 403, 'FORBIDDEN');
      }
      await getQuiz(student, quiz.id).expect(200);
      expect(await questionCount(quiz.id)).toBe(1);
    });

    it('answers 401 without a token and 404 for an unknown quiz', async () => {
      const quiz = await createQuiz();
      expectError(await remove(null, quiz.id), 401, 'UNAUTHORIZED');
      expectError(await remove(teacher, randomUUID()), 404, 'NOT_FOUND');
    });
  });

  describe('POST /quizzes/:id/publish', () => {
    it('refuses to publish a quiz without questions with 422 and leaves it unpublished', async () => {
      const quiz = await createQuiz();
      expectValidationError(await publish(teacher, quiz.id), 'questions');
      expect((await getQuiz(teacher, quiz.id).expect(200)).body.data.isPublished).toBe(false);
    });

    it('publishes a quiz with questions with 200, after which students see it', async () => {
      const quiz = await createQuiz({ title: 'Ready' });
      await addQuestion(quiz.id, TRUE_FALSE);
      expectError(await getQuiz(student, quiz.id), 404, 'NOT_FOUND');
      const res = await publish(teacher, quiz.id).expect(200);
      expectMatchesOpenApi(res, 'post', '/api/v1/quizzes/{id}/publish');
      expect(res.body.data).toMatchObject({ id: quiz.id, isPublished: true, questionCount: 1 });
      expect((await getQuiz(student, quiz.id).expect(200)).body.data.isPublished).toBe(true);
    });

    it('lets an admin publish', async () => {
      const quiz = await createQuiz();
      await addQuestion(quiz.id, TRUE_FALSE);
      const res = await publish(admin, quiz.id).expect(200);
      expect(res.body.data.isPublished).toBe(true);
    });

    it('answers 404 to others for an unpublished quiz and 403 once they can see it', async () => {
      const quiz = await createQuiz();
      await addQuestion(quiz.id, TRUE_FALSE);
      expectError(await publish(otherTeacher, quiz.id), 404, 'NOT_FOUND');
      expectError(await publish(student, quiz.id), 404, 'NOT_FOUND');
      expect((await getQuiz(teacher, quiz.id).expect(200)).body.data.isPublished).toBe(false);
      await publish(teacher, quiz.id).expect(200);
      expectError(await publish(otherTeacher, quiz.id), 403, 'FORBIDDEN');
      expectError(await publish(student, quiz.id), 403, 'FORBIDDEN');
    });

    it('answers 401 without a token', async () => {
      const quiz = await createQuiz();
      const res = await t.http.post(`${API}/quizzes/${quiz.id}/publish`);
      expectError(res, 401, 'UNAUTHORIZED');
    });
  });

  describe('POST /quizzes/:id/questions', () => {
    let quiz: QuizBody;
    beforeAll(async () => {
      quiz = await createQuiz({ title: 'Question bank' });
    });

    it.each([
      ['multiple_choice', MULTIPLE_CHOICE],
      ['multiple_select', MULTIPLE_SELECT],
      ['true_false', TRUE_FALSE],
      ['short_answer', SHORT_ANSWER],
    ])('adds a valid %s question with 201 and the documented shape', async (_type, body) => {
      const res = await postQuestion(teacher, quiz.id, body).expect(201);
      expectMatchesOpenApi(res, 'post', '/api/v1/quizzes/{id}/questions');
      expect(res.body.data).toEqual({
        id: expect.stringMatching(UUID),
        quizId: quiz.id,
        text: body.text,
        type: body.type,
        options: body.options ?? null,
        correctAnswer: body.correctAnswer,
        tolerance: null,
        pool: null,
        explanation: null,
        points: body.points ?? 1,
        position: expect.any(Number),
        createdAt: expect.stringMatching(ISO_DATE),
        updatedAt: expect.stringMatching(ISO_DATE),
      });
    });

    it('gives points 1 by default and places a question last unless a position is given', async () => {
      const own = await createQuiz();
      const first = await addQuestion(own.id, TRUE_FALSE);
      const second = await addQuestion(own.id, { ...TRUE_FALSE, text: 'Second' });
      const placed = await addQuestion(own.id, { ...TRUE_FALSE, text: 'Placed', position: 7 });
      const after = await addQuestion(own.id, { ...TRUE_FALSE, text: 'After' });
      expect([first.position, second.position, placed.position, after.position]).toEqual([
        1, 2, 7, 8,
      ]);
      expect(first.points).toBe(1);
    });

    it.each([
      ['multiple_choice with 1 option', { ...MULTIPLE_CHOICE, options: ['Paris'] }, 'options'],
      [
        'multiple_choice with 11 options',
        {
          ...MULTIPLE_CHOICE,
          options: ['Paris', ...Array.from({ length: 10 }, (_, i) => `City ${i}`)],
        },
        'options',
      ],
      [
        'multiple_choice with duplicate options',
        { ...MULTIPLE_CHOICE, options: ['Paris', 'Rome', 'Paris'] },
        'options',
      ],
      ['multiple_choice without options', { ...MULTIPLE_CHOICE, options: undefined }, 'options'],
      [
        'multiple_choice with an empty option',
        { ...MULTIPLE_CHOICE, options: ['Paris', ' '] },
        'options',
      ],
      [
        'multiple_choice whose answer is not an option',
        { ...MULTIPLE_CHOICE, correctAnswer: 'Berlin' },
        'correctAnswer',
      ],
      [
        'multiple_choice with a list as answer',
        { ...MULTIPLE_CHOICE, correctAnswer: ['Paris'] },
        'correctAnswer',
      ],
      [
        'multiple_select with 1 option',
        { ...MULTIPLE_SELECT, options: ['2'], correctAnswer: ['2'] },
        'options',
      ],
      [
        'multiple_select with duplicate options',
        { ...MULTIPLE_SELECT, options: ['2', '3', '3'] },
        'options',
      ],
      [
        'multiple_select with an empty answer',
        { ...MULTIPLE_SELECT, correctAnswer: [] },
        'correctAnswer',
      ],
      [
        'multiple_select whose answer holds a non-option',
        { ...MULTIPLE_SELECT, correctAnswer: ['2', '9'] },
        'correctAnswer',
      ],
      [
        'multiple_select with a single string as answer',
        { ...MULTIPLE_SELECT, correctAnswer: '2' },
        'correctAnswer',
      ],
      [
        'multiple_select with a repeated answer',
        { ...MULTIPLE_SELECT, correctAnswer: ['2', '2'] },
        'correctAnswer',
      ],
      ['true_false with options', { ...TRUE_FALSE, options: ['True', 'False'] }, 'options'],
      [
        "true_false with the string 'true'",
        { ...TRUE_FALSE, correctAnswer: 'true' },
        'correctAnswer',
      ],
      ['true_false with 1 as answer', { ...TRUE_FALSE, correctAnswer: 1 }, 'correctAnswer'],
      [
        'short_answer with a string answer',
        { ...SHORT_ANSWER, correctAnswer: 'Ada' },
        'correctAnswer',
      ],
      ['short_answer with an empty list', { ...SHORT_ANSWER, correctAnswer: [] }, 'correctAnswer'],
      [
        'short_answer with a blank entry',
        { ...SHORT_ANSWER, correctAnswer: ['  '] },
        'correctAnswer',
      ],
      ['short_answer with options', { ...SHORT_ANSWER, options: ['Ada', 'Alan'] }, 'options'],
      ['a null answer', { ...TRUE_FALSE, correctAnswer: null }, 'correctAnswer'],
      ['a missing answer', { text: 'No answer', type: 'true_false' }, 'correctAnswer'],
      ['an unknown type', { ...TRUE_FALSE, type: 'matching' }, 'type'],
      ['a missing text', { type: 'true_false', correctAnswer: true }, 'text'],
      ['negative points', { ...TRUE_FALSE, points: -1 }, 'points'],
      ['points over 1000', { ...TRUE_FALSE, points: 1001 }, 'points'],
      ['null points', { ...TRUE_FALSE, points: null }, 'points'],
      ['position 0', { ...TRUE_FALSE, position: 0 }, 'position'],
      ['an unknown field', { ...TRUE_FALSE, hint: 'look up' }, 'hint'],
    ])('rejects %s with 422 and adds nothing', async (_name, body, field) => {
      const before = await questionCount(quiz.id);
      expectValidationError(await postQuestion(teacher, quiz.id, body), field);
      expect(await questionCount(quiz.id)).toBe(before);
    });

    it('forbids students and other instructors (403) on a quiz they can see', async () => {
      const published = await publishedQuiz();
      for (const user of [student, otherTeacher]) {
        expectError(await postQuestion(user, published.id, TRUE_FALSE), 403, 'FORBIDDEN');
      }
      expect(await questionCount(published.id)).toBe(1);
    });

    it('lets an admin add a question', async () => {
      await postQuestion(admin, quiz.id, TRUE_FALSE).expect(201);
    });

    it('answers 401 without a token and 404 for an unknown quiz', async () => {
      expectError(await postQuestion(null, quiz.id, TRUE_FALSE), 401, 'UNAUTHORIZED');
      expectError(await postQuestion(teacher, randomUUID(), TRUE_FALSE), 404, 'NOT_FOUND');
    });
  });

  describe('GET /quizzes/:id/questions', () => {
    let quiz: QuizBody;
    let ids: string[];
    beforeAll(async () => {
      quiz = await createQuiz({ title: 'Ordered' });
      const late = await addQuestion(quiz.id, { ...SHORT_ANSWER, position: 3 });
      const early = await addQuestion(quiz.id, { ...MULTIPLE_CHOICE, position: 1 });
      const middle = await addQuestion(quiz.id, { ...MULTIPLE_SELECT, position: 2 });
      ids = [early.id, middle.id, late.id];
      await publish(teacher, quiz.id).expect(200);
    });

    it('gives the owner every question by position, with its correctAnswer', async () => {
      const res = await listQuestions(teacher, quiz.id).expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/quizzes/{id}/questions');
      const questions = payload<QuestionBody[]>(res);
      expect(questions.map((q) => q.id)).toEqual(ids);
      expect(questions.map((q) => q.correctAnswer)).toEqual([
        'Paris',
        ['2', '3', '5'],
        ['Ada Lovelace', 'Lovelace'],
      ]);
    });

    it('gives an admin the questions with answers', async () => {
      const res = await listQuestions(admin, quiz.id).expect(200);
      expect(res.body.data).toHaveLength(3);
      expect(res.body.data[0].correctAnswer).toBe('Paris');
    });

    it('forbids an enrolled student and another instructor (403), without leaking answers', async () => {
      for (const user of [student, otherTeacher]) {
        const res = await listQuestions(user, quiz.id);
        expectError(res, 403, 'FORBIDDEN');
        expect(JSON.stringify(res.body)).not.toContain('Lovelace');
      }
    });

    it('answers 401 without a token and 404 for an unknown quiz', async () => {
      expectError(await listQuestions(null, quiz.id), 401, 'UNAUTHORIZED');
      expectError(await listQuestions(teacher, randomUUID()), 404, 'NOT_FOUND');
    });
  });

  describe('PATCH /questions/:id', () => {
    const patch = (user: TestUser | null, questionId: string, body: Body) => {
      const req = t.http.patch(`${API}/questions/${questionId}`);
      if (user) req.set(...bearer(user));
      return req.send(body);
    };

    async function storedQuestion(id: string): Promise<QuestionBody | undefined> {
      const [row] = await t.dataSource.query<QuestionBody[]>(
        `SELECT id, text, type, options, correct_answer AS "correctAnswer", points, position
           FROM questions WHERE id = $1`,
        [id],
      );
      return row;
    }

    it('lets the owner change text and points with 200; the quiz totals follow', async () => {
      const quiz = await createQuiz();
      const question = await addQuestion(quiz.id, MULTIPLE_CHOICE);
      const res = await patch(teacher, question.id, { text: 'Capital of Italy?', points: 5 });
      expect(res.status).toBe(200);
      expectMatchesOpenApi(res, 'patch', '/api/v1/questions/{id}');
      expect(res.body.data).toMatchObject({
        id: question.id,
        text: 'Capital of Italy?',
        points: 5,
        type: 'multiple_choice',
        options: ['Paris', 'Rome', 'Madrid'],
        correctAnswer: 'Paris',
      });
      const got = await getQuiz(teacher, quiz.id).expect(200);
      expect(got.body.data).toMatchObject({ questionCount: 1, totalPoints: 5 });
    });

    it('changes the type when the merged question fits the new type', async () => {
      const quiz = await createQuiz();
      const question = await addQuestion(quiz.id, MULTIPLE_CHOICE);
      const res = await patch(teacher, question.id, {
        type: 'true_false',
        options: null,
        correctAnswer: false,
      }).expect(200);
      expect(res.body.data).toMatchObject({
        type: 'true_false',
        options: null,
        correctAnswer: false,
      });
    });

    it.each([
      [
        'a change to true_false while options exist',
        { type: 'true_false', correctAnswer: true },
        'options',
      ],
      [
        'a change to short_answer keeping a string answer',
        { type: 'short_answer', options: null },
        'correctAnswer',
      ],
      ['an answer that is not an option', { correctAnswer: 'Berlin' }, 'correctAnswer'],
      ['options that drop the answer', { options: ['Rome', 'Madrid'] }, 'correctAnswer'],
      ['a single option', { options: ['Paris'] }, 'options'],
      [
        'a change to multiple_select with a string answer',
        { type: 'multiple_select' },
        'correctAnswer',
      ],
      ['a null text', { text: null }, 'text'],
      ['a null type', { type: null }, 'type'],
      ['null points', { points: null }, 'points'],
      ['a null position', { position: null }, 'position'],
      ['a null answer', { correctAnswer: null }, 'correctAnswer'],
      ['an unknown field', { quizId: randomUUID() }, 'quizId'],
    ])('rejects %s with 422 and keeps the question', async (_name, body, field) => {
      const quiz = await createQuiz();
      const question = await addQuestion(quiz.id, MULTIPLE_CHOICE);
      expectValidationError(await patch(teacher, question.id, body), field);
      expect(await storedQuestion(question.id)).toMatchObject({
        text: MULTIPLE_CHOICE.text,
        type: 'multiple_choice',
        options: MULTIPLE_CHOICE.options,
        correctAnswer: 'Paris',
        points: 1,
        position: 1,
      });
    });

    it('forbids students and other instructors (403)', async () => {
      const quiz = await publishedQuiz();
      const [question] = (await listQuestions(teacher, quiz.id).expect(200)).body
        .data as QuestionBody[];
      for (const user of [student, otherTeacher]) {
        expectError(await patch(user, question.id, { points: 50 }), 403, 'FORBIDDEN');
      }
      expect((await storedQuestion(question.id))?.points).toBe(1);
    });

    it('lets an admin change a question', async () => {
      const quiz = await createQuiz();
      const question = await addQuestion(quiz.id, TRUE_FALSE);
      const res = await patch(admin, question.id, { correctAnswer: false }).expect(200);
      expect(res.body.data.correctAnswer).toBe(false);
    });

    it('answers 401 without a token, 404 for an unknown question, 422 for a bad id', async () => {
      const quiz = await createQuiz();
      const question = await addQuestion(quiz.id, TRUE_FALSE);
      expectError(await patch(null, question.id, { points: 2 }), 401, 'UNAUTHORIZED');
      expectError(await patch(teacher, randomUUID(), { points: 2 }), 404, 'NOT_FOUND');
      expectValidationError(await patch(teacher, 'q-1', { points: 2 }), 'id');
    });
  });

  describe('DELETE /questions/:id', () => {
    const remove = (user: TestUser | null, questionId: string) => {
      const req = t.http.delete(`${API}/questions/${questionId}`);
      if (user) req.set(...bearer(user));
      return req;
    };

    it('lets the owner delete a question with 204; the quiz counts follow', async () => {
      const quiz = await createQuiz();
      const keep = await addQuestion(quiz.id, { ...MULTIPLE_CHOICE, points: 2 });
      const drop = await addQuestion(quiz.id, { ...SHORT_ANSWER, points: 4 });
      const res = await remove(teacher, drop.id).expect(204);
      expect(res.text).toBe('');
      const listed = await listQuestions(teacher, quiz.id).expect(200);
      expect(listed.body.data.map((q: QuestionBody) => q.id)).toEqual([keep.id]);
      const got = await getQuiz(teacher, quiz.id).expect(200);
      expect(got.body.data).toMatchObject({ questionCount: 1, totalPoints: 2 });
      expectError(await remove(teacher, drop.id), 404, 'NOT_FOUND');
    });

    it('forbids students and other instructors (403) and keeps the question', async () => {
      const quiz = await publishedQuiz();
      const [question] = (await listQuestions(teacher, quiz.id).expect(200)).body
        .data as QuestionBody[];
      for (const user of [student, otherTeacher]) {
        expectError(await remove(user, question.id), 403, 'FORBIDDEN');
      }
      expect(await questionCount(quiz.id)).toBe(1);
    });

    it('lets an admin delete a question', async () => {
      const quiz = await createQuiz();
      const question = await addQuestion(quiz.id, TRUE_FALSE);
      await remove(admin, question.id).expect(204);
      expect(await questionCount(quiz.id)).toBe(0);
    });

    it('answers 401 without a token', async () => {
      const quiz = await createQuiz();
      const question = await addQuestion(quiz.id, TRUE_FALSE);
      expectError(await remove(null, question.id), 401, 'UNAUTHORIZED');
      expect(await questionCount(quiz.id)).toBe(1);
    });
  });
});
