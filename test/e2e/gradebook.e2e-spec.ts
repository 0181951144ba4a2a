import { parse } from 'csv-parse/sync';
import type { Response } from 'supertest';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { createCourse } from '../factories/courses.factory';
import { enroll } from '../factories/enrollments.factory';
import { createQuiz, TestQuiz } from '../factories/quizzes.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { API, AttemptBody, StartedAttemptBody } from '../utils/contract';
import type { components } from '../utils/contract';
import { expectError } from '../utils/expectations';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { createTestApp, TestApp } from '../utils/test-app';
import { GradebookService } from '../../src/modules/gradebook/gradebook.service';

type Gradebook = components['schemas']['GradebookResponse'];
type Row = components['schemas']['GradebookStudentResponse'];
type MyRow = components['schemas']['MyGradesStudentResponse'];

const PAST = '2020-01-01T00:00:00.000Z';
/** A name that needs every RFC 4180 escape: a comma, a quote and a newline. */
const HOSTILE_NAME = 'Bob, "the" builder\nJr';

describe('Gradebook (e2e)', () => {
  let t: TestApp;
  let teacher: TestUser;
  let otherTeacher: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    // No background job runs beside a request whose statements are counted.
    t = await createTestApp({ JOBS_INLINE: 'false' });
    [teacher, otherTeacher, admin] = await Promise.all([
      createUser(t, 'instructor'),
      createUser(t, 'instructor'),
      createUser(t, 'admin'),
    ]);
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await t?.close();
  });

  const data = <T>(res: Response): T => (res.body as { data: T }).data;

  async function assignment(courseId: string, body: Record<string, unknown>, publish = true) {
    const res = await t.http
      .post(`${API}/courses/${courseId}/assignments`)
      .set(...bearer(teacher))
      .send({ title: 'Essay', submissionTypes: ['text'], ...body });
    expect(res.status).toBe(201);
    const created = data<{ id: string }>(res);
    if (publish) {
      await t.http
        .post(`${API}/assignments/${created.id}/publish`)
        .set(...bearer(teacher))
        .expect(200);
    }
    return created.id;
  }

  async function submission(user: TestUser, assignmentId: string): Promise<string> {
    const res = await t.http
      .post(`${API}/assignments/${assignmentId}/submissions`)
      .set(...bearer(user))
      .send({ text: 'My answer' });
    expect(res.status).toBe(201);
    return data<{ id: string }>(res).id;
  }

  async function grade(submissionId: string, score: number, feedback: string | null = null) {
    await t.http
      .post(`${API}/submissions/${submissionId}/grade`)
      .set(...bearer(teacher))
      .send({ score, feedback })
      .expect(200);
  }

  async function attempt(
    user: TestUser,
    quiz: TestQuiz,
    answers: Array<{ questionId: string; answer: unknown }>,
  ): Promise<AttemptBody> {
    const started = await t.http.post(`${API}/quizzes/${quiz.id}/attempts`).set(...bearer(user));
    expect(started.status).toBe(201);
    const { attempt: begun } = data<StartedAttemptBody>(started);
    const res = await t.http
      .post(`${API}/attempts/${begun.id}/submit`)
      .set(...bearer(user))
      .send({ answers });
    expect(res.status).toBe(200);
    return data<AttemptBody>(res);
  }

  async function student(courseId: string, fullName: string): Promise<TestUser> {
    const user = await createUser(t, 'student', { fullName });
    await enroll(t, user, courseId);
    return user;
  }

  describe('rules, access and CSV on one course', () => {
    let courseId: string;
    let plain: TestQuiz;
    let essay: TestQuiz;
    let drawn: TestQuiz;
    let a1: string;
    let a2: string;
    let alice: TestUser;
    let bob: TestUser;
    let carol: TestUser;

    beforeAll(async () => {
      courseId = (await createCourse(t, teacher, { lessons: 1, publish: true })).id;
      // 3 points.
      plain = await createQuiz(t, teacher, courseId, { title: 'Plain quiz' }, [
        {
          text: 'Capital of France?',
          type: 'multiple_choice',
          options: ['Paris', 'Rome'],
          correctAnswer: 'Paris',
          points: 2,
        },
        { text: 'The sky is blue', type: 'true_false', correctAnswer: true, points: 1 },
      ]);
      // 5 points, one essay.
      essay = await createQuiz(t, teacher, courseId, { title: 'Essay quiz' }, [
        {
          text: 'Capital of France?',
          type: 'multiple_choice',
          options: ['Paris', 'Rome'],
          correctAnswer: 'Paris',
          points: 2,
        },
        { text: 'Why is the sky blue?', type: 'essay', points: 3 },
      ]);
      // Draws 2 of 3 questions of 2 points: 4 points.
      drawn = await createQuiz(
        t,
        teacher,
        courseId,
        { title: 'Drawn quiz', draw: [{ pool: 'a', count: 2 }] },
        [1, 2, 3].map((n) => ({
          text: `Question ${n}`,
          type: 'true_false' as const,
          correctAnswer: true,
          points: 2,
          pool: 'a',
        })),
      );
      await createQuiz(t, teacher, courseId, { title: 'Hidden quiz' }, [], { publish: false });
      a1 = await assignment(courseId, { title: 'Essay, "one"', maxPoints: 10 });
      a2 = await assignment(courseId, { title: 'Overdue', maxPoints: 20, dueAt: PAST });
      await assignment(courseId, { title: 'Hidden assignment' }, false);

      alice = await student(courseId, 'Alice Gradebook');
      bob = await student(courseId, HOSTILE_NAME);
      carol = await student(courseId, 'Carol Gradebook');

      // Alice: best of two plain attempts; an essay pending; A1 graded then resubmitted.
      await attempt(alice, plain, []);
      await attempt(
        alice,
        plain,
        plain.questions.map((q) => ({ questionId: q.id, answer: q.correctAnswer })),
      );
      await attempt(alice, essay, [{ questionId: essay.questions[1].id, answer: 'Scattering' }]);
      await grade(await submission(alice, a1), 8, 'Good');
      await submission(alice, a1);

      // Bob: essay graded (2 + 2), A1 graded 7.5, A2 submitted late and ungraded.
      const bobsEssay = await attempt(bob, essay, [
        { questionId: essay.questions[0].id, answer: 'Paris' },
        { questionId: essay.questions[1].id, answer: 'Scattering' },
      ]);
      await t.http
        .post(`${API}/attempts/${bobsEssay.id}/grade`)
        .set(...bearer(teacher))
        .send({ grades: [{ questionId: essay.questions[1].id, pointsAwarded: 2 }] })
        .expect(200);
      await grade(await submission(bob, a1), 7.5, 'Fine');
      await submission(bob, a2);
    });

    const gradebook = (user: TestUser, query: Record<string, unknown> = {}) =>
      t.http
        .get(`${API}/courses/${courseId}/gradebook`)
        .query(query)
        .set(...bearer(user));

    it('lists the published items with their maxPoints (drawn points for a draw)', async () => {
      const res = await gradebook(teacher);
      expect(res.status).toBe(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/courses/{id}/gradebook');
      expect(data<Gradebook>(res).items).toEqual([
        { id: plain.id, type: 'quiz', title: 'Plain quiz', maxPoints: 3, dueAt: null },
        { id: essay.id, type: 'quiz', title: 'Essay quiz', maxPoints: 5, dueAt: null },
        { id: drawn.id, type: 'quiz', title: 'Drawn quiz', maxPoints: 4, dueAt: null },
        { id: a1, type: 'assignment', title: 'Essay, "one"', maxPoints: 10, dueAt: null },
        { id: a2, type: 'assignment', title: 'Overdue', maxPoints: 20, dueAt: PAST },
      ]);
    });

    it('applies the grade rules per student, ordered by fullName, with the totals', async () => {
      const res = await gradebook(teacher);
      expect(res.body.meta).toEqual({ page: 1, pageSize: 20, total: 3, totalPages: 1 });
      const rows = data<Gradebook>(res).students;
      const cells = (row: Row) => row.grades.map(({ score, status }) => [score, status]);
      expect(rows.map((row) => row.studentId)).toEqual([alice.id, bob.id, carol.id]);
      expect(rows[0]).toMatchObject({
        fullName: 'Alice Gradebook',
        email: alice.email,
        earned: 3,
        possible: 23,
        percentage: 13.04,
      });
      // Best final attempt; essay pending; draw none; A1 resubmitted: pending with its grade;
      // A2 overdue without a submission: missing.
      expect(cells(rows[0])).toEqual([
        [3, 'graded'],
        [null, 'pending'],
        [null, 'none'],
        [8, 'pending'],
        [null, 'missing'],
      ]);
      expect(rows[1]).toMatchObject({
        fullName: HOSTILE_NAME,
        earned: 11.5,
        possible: 15,
        percentage: 76.67,
      });
      expect(cells(rows[1])).toEqual([
        [null, 'none'],
        [4, 'graded'],
        [null, 'none'],
        [7.5, 'graded'],
        [null, 'pending'],
      ]);
      expect(rows[2]).toMatchObject({ earned: 0, possible: 20, percentage: 0 });
      expect(cells(rows[2])).toEqual([
        [null, 'none'],
        [null, 'none'],
        [null, 'none'],
        [null, 'none'],
        [null, 'missing'],
      ]);
    });

    it('pages over students; meta counts students', async () => {
      const res = await gradebook(admin, { page: 2, pageSize: 2 });
      expect(res.status).toBe(200);
      expect(res.body.meta).toEqual({ page: 2, pageSize: 2, total: 3, totalPages: 2 });
      expect(data<Gradebook>(res).students.map((row) => row.studentId)).toEqual([carol.id]);
    });

    it('refuses students and other instructors (403)', async () => {
      expectError(await gradebook(alice), 403, 'FORBIDDEN');
      expectError(await gradebook(otherTeacher), 403, 'FORBIDDEN');
      expectError(
        await t.http.get(`${API}/courses/${courseId}/gradebook.csv`).set(...bearer(alice)),
        403,
        'FORBIDDEN',
      );
      expectError(
        await t.http.get(`${API}/courses/${courseId}/gradebook.csv`).set(...bearer(otherTeacher)),
        403,
        'FORBIDDEN',
      );
      expectError(
        await t.http.get(`${API}/courses/${courseId}/my-grades`).set(...bearer(teacher)),
        403,
        'FORBIDDEN',
      );
    });

    it("gives a student their own row with the assignments' feedback", async () => {
      const res = await t.http.get(`${API}/courses/${courseId}/my-grades`).set(...bearer(alice));
      expect(res.status).toBe(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/courses/{id}/my-grades');
      const row = data<MyRow>(res);
      expect(row).toMatchObject({ studentId: alice.id, earned: 3, possible: 23 });
      expect(row.grades.map((grade) => [grade.itemId, grade.status, grade.feedback])).toEqual([
        [plain.id, 'graded', null],
        [essay.id, 'pending', null],
        [drawn.id, 'none', null],
        [a1, 'pending', 'Good'],
        [a2, 'missing', null],
      ]);
    });

    it.each([
      ['one batch', 500],
      ['batches of 2 students (keyset across batches)', 2],
    ])('streams the CSV (RFC 4180) that a real parser reads back: %s', async (_name, batch) => {
      jest.replaceProperty(GradebookService, 'csvBatch', batch);
      const res = await t.http
        .get(`${API}/courses/${courseId}/gradebook.csv`)
        .set(...bearer(teacher))
        .buffer(true)
        .parse((response, done) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => done(null, text));
        });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- parse() answers any[]
      const records = parse(res.body as string) as string[][];
      expect(records).toEqual([
        [
          'studentId',
          'fullName',
          'email',
          'Plain quiz',
          'Essay quiz',
          'Drawn quiz',
          'Essay, "one"',
          'Overdue',
          'earned',
          'possible',
          'percentage',
        ],
        [alice.id, 'Alice Gradebook', alice.email, '3', '', '', '8', '', '3', '23', '13.04'],
        [bob.id, HOSTILE_NAME, bob.email, '', '4', '', '7.5', '', '11.5', '15', '76.67'],
        [carol.id, 'Carol Gradebook', carol.email, '', '', '', '', '', '0', '20', '0'],
      ]);
    });
  });

  describe('statement count', () => {
    /** The statements a gradebook page runs on the grade tables. */
    async function statementsOf(courseId: string): Promise<number> {
      const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
      const res = await t.http.get(`${API}/courses/${courseId}/gradebook`).set(...bearer(teacher));
      expect(res.status).toBe(200);
      const count = spy.mock.calls.filter(([sql]) =>
        /\b(quizzes|questions|quiz_attempts|assignments|submissions|enrollments)\b/.test(sql),
      ).length;
      spy.mockRestore();
      return count;
    }

    async function courseWith(students: number, assignments: number, quiz: boolean) {
      const courseId = (await createCourse(t, teacher, { lessons: 1, publish: true })).id;
      const ids: string[] = [];
      for (let i = 0; i < assignments; i++) {
        ids.push(await assignment(courseId, { title: `A${i}`, maxPoints: 10 }));
      }
      const q = quiz
        ? await createQuiz(t, teacher, courseId, { title: 'Q' }, [
            { text: 'True?', type: 'true_false', correctAnswer: true, points: 1 },
          ])
        : null;
      for (let i = 0; i < students; i++) {
        const user = await student(courseId, `Counted ${i}`);
        for (const id of ids) await grade(await submission(user, id), 5);
        if (q) await attempt(user, q, [{ questionId: q.questions[0].id, answer: true }]);
      }
      return courseId;
    }

    it('does not grow with the number of students or items', async () => {
      const small = await courseWith(2, 1, false);
      const large = await courseWith(8, 2, true);
      const [few, many] = [await statementsOf(small), await statementsOf(large)];
      // items, student count, student page, quiz attempts aggregate, submissions aggregate.
      expect(many).toBe(few);
      expect(many).toBe(5);
    });
  });
});
