import { rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { Clock } from '../../src/common/time/clock';
import { KeyValueStore } from '../../src/infra/kv/key-value.store';
import { SUBMIT_GRACE_MS } from '../../src/modules/quizzes/attempts.service';
import { createAssignment, gradeSubmission, submitText } from '../factories/assignments.factory';
import { createCourse, TestCourse } from '../factories/courses.factory';
import { completeLessons, enroll as enrollIn } from '../factories/enrollments.factory';
import { createQuiz as createQuizFor } from '../factories/quizzes.factory';
import { bearer, createUser, DEFAULT_PASSWORD, TestUser } from '../factories/users.factory';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { pollUntil } from '../utils/poll';
import { createTestApp, TestApp } from '../utils/test-app';
import { createTestDatabase, dropTestDatabase } from '../utils/test-database';
import { expectError, expectValidationError } from '../utils/expectations';
import { API, CreateQuestionInput, CreateQuizInput } from '../utils/contract';

const ROUTES = {
  student: '/api/v1/analytics/student',
  instructor: '/api/v1/analytics/instructor',
  course: '/api/v1/analytics/courses/{id}',
  system: '/api/v1/analytics/system',
} as const;
const DAY_MS = 86_400_000;

type Course = TestCourse & { lessonIds: string[] };
type Body = Record<string, unknown>;

interface QuestionSpec {
  key: string;
  body: CreateQuestionInput;
  /** The right answer, as a student sends it. */
  answer: unknown;
}

interface Quiz {
  id: string;
  title: string;
  /** Question id by key. */
  questionIds: Record<string, string>;
  answers: Record<string, unknown>;
}

/**
 * "Algebra check": 10 points (MC 2, MS 3, TF 1, SA 4), so every multiple of 10 % is reachable:
 * 10 = TF, 30 = MS, 50 = MC+MS, 60 = MC+SA, 70 = MS+SA, 80 = TF+MS+SA, 90 = MC+MS+SA, 100 = all.
 */
const ALGEBRA_QUESTIONS: QuestionSpec[] = [
  {
    key: 'MC',
    body: {
      text: '2 + 2 = ?',
      type: 'multiple_choice',
      options: ['3', '4', '5'],
      correctAnswer: '4',
      points: 2,
    },
    answer: '4',
  },
  {
    key: 'MS',
    body: {
      text: 'Which are even?',
      type: 'multiple_select',
      options: ['2', '3', '4', '6'],
      correctAnswer: ['2', '4', '6'],
      points: 3,
    },
    answer: ['2', '4', '6'],
  },
  {
    key: 'TF',
    body: { text: 'Zero is even', type: 'true_false', correctAnswer: true, points: 1 },
    answer: true,
  },
  {
    key: 'SA',
    body: { text: 'x in x + 1 = 3?', type: 'short_answer', correctAnswer: ['2', 'two'], points: 4 },
    answer: 'two',
  },
];

const BONUS_QUESTIONS: QuestionSpec[] = [
  {
    key: 'TF',
    body: { text: 'One is prime', type: 'true_false', correctAnswer: false },
    answer: false,
  },
];

/** "Cells": 3 points (MC 1, TF 2): TF alone is 2/3 = 66.67 %. */
const CELL_QUESTIONS: QuestionSpec[] = [
  {
    key: 'MC',
    body: {
      text: 'Powerhouse of the cell?',
      type: 'multiple_choice',
      options: ['Nucleus', 'Mitochondrion'],
      correctAnswer: 'Mitochondrion',
      points: 1,
    },
    answer: 'Mitochondrion',
  },
  {
    key: 'TF',
    body: { text: 'Plant cells have walls', type: 'true_false', correctAnswer: true, points: 2 },
    answer: true,
  },
];

/**
 * The hand-built data set (every figure below is derived from it in the tests' comments).
 *
 * Users: admin Ada; instructors Alice (A) and Bob (B); students Ana, Ben, Cara, Dan, Eve; Nell,
 * a student created by the admin who never logged in; Gus, a student soft-deleted by the admin.
 *
 * Courses, created in this order:
 * - Algebra (A, published), lessons L1..L6 created in that order, then reordered so that the
 *   positions are L6, L1, L2, L3, L4, L5.
 * - Geometry (A, 1 lesson): published, Ana enrolls, unpublished again: a draft with an enrollment.
 * - Biology (B, published), 3 lessons.
 *
 * Enrollments, in this order (enrolled_at ascending):
 *   Ben-Biology, Ben-Algebra, Ana-Algebra, Cara-Algebra, Cara-Biology, Dan-Algebra, Eve-Algebra,
 *   Ana-Geometry.
 * Lessons completed:
 * - Algebra: Ana none (0 %), Ben L1 L2 L3 (50 %), Cara all (100 %), Dan L2 L5 (33.33 %), Eve all.
 * - Biology: Ben all 3 (100 %), Cara B1 (33.33 %).
 * Completed: Ben-Biology, Cara-Algebra, Eve-Algebra; their certificates are issued in the
 * background, and Cara's is revoked. Backdated: Cara-Algebra enrolled 2 days before its
 * completion, Eve-Algebra 1 day 8 hours before (1.3333 days).
 *
 * Quizzes: "Algebra check" (Algebra, 30 min), "Algebra bonus" (Algebra), "Cells" (Biology).
 * Attempts, percentages:
 * - Algebra check: Ana 0 (expired), Ben 30 then 70, Cara 100 then 80, Dan 50 then 60,
 *   Eve 10 then 90 (passing 70 %).
 * - Algebra bonus: Dan, one attempt still in progress.
 * - Cells: Ben 100, Cara 66.67 (passing 70 %).
 *
 * Sign-ups (created_at, UTC, relative to today) and logins are set in SQL, see SIGNUPS.
 */
interface DataSet {
  admin: TestUser;
  teacherA: TestUser;
  teacherB: TestUser;
  ana: TestUser;
  ben: TestUser;
  cara: TestUser;
  dan: TestUser;
  eve: TestUser;
  algebra: Course;
  geometry: Course;
  biology: Course;
  check: Quiz;
  bonus: Quiz;
  cells: Quiz;
  enrollments: {
    benBiology: string;
    benAlgebra: string;
    anaAlgebra: string;
    caraAlgebra: string;
    caraBiology: string;
    danAlgebra: string;
    eveAlgebra: string;
    anaGeometry: string;
  };
  certificates: { benBiology: string; caraAlgebra: string; eveAlgebra: string };
  /** Today's UTC date (YYYY-MM-DD) as the database saw it when the sign-ups were dated. */
  today: string;
}

type SignupLayout = Array<{ id: string; daysAgo: number; at: string }>;

/** `n` days before `day` (YYYY-MM-DD), as YYYY-MM-DD. */
const daysBefore = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - n * DAY_MS).toISOString().slice(0, 10);

/** Ten score buckets with the given counts, "0-10" first. */
const buckets = (counts: number[]) =>
  counts.map((count, i) => ({ bucket: `${i * 10}-${i * 10 + 10}`, count }));

async function closeApp(t: TestApp | undefined): Promise<void> {
  await t?.close();
  if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
}

function getAnalytics(t: TestApp, path: string, user: TestUser | null, query: Body = {}) {
  const req = t.http.get(`${API}/analytics${path}`).query(query);
  if (user) req.set(...bearer(user));
  return req;
}

/** The payload of a successful analytics call, checked against openapi.json. */
async function analytics(
  t: TestApp,
  route: keyof typeof ROUTES,
  path: string,
  user: TestUser,
  query: Body = {},
): Promise<Body> {
  const res = await getAnalytics(t, path, user, query);
  expect(res.status).toBe(200);
  expectMatchesOpenApi(res, 'get', ROUTES[route]);
  return res.body.data as Body;
}

async function createQuiz(
  t: TestApp,
  teacher: TestUser,
  courseId: string,
  settings: Partial<CreateQuizInput> & { title: string },
  questions: QuestionSpec[],
): Promise<Quiz> {
  const quiz = await createQuizFor(
    t,
    teacher,
    courseId,
    settings,
    questions.map((question) => question.body),
  );
  // The factory lists the questions in position order, which is the order they were created in.
  const questionIds: Record<string, string> = {};
  const answers: Record<string, unknown> = {};
  questions.forEach((question, index) => {
    questionIds[question.key] = quiz.questions[index].id;
    answers[question.key] = question.answer;
  });
  return { id: quiz.id, title: settings.title, questionIds, answers };
}

async function enroll(t: TestApp, student: TestUser, courseId: string): Promise<string> {
  return (await enrollIn(t, student, courseId)).id;
}

async function startAttempt(t: TestApp, student: TestUser, quiz: Quiz) {
  const res = await t.http
    .post(`${API}/quizzes/${quiz.id}/attempts`)
    .set(...bearer(student))
    .expect(201);
  return res.body.data.attempt as { id: string; expiresAt: string | null };
}

/** Starts and submits an attempt answering exactly the `right` questions (the rest unanswered). */
async function takeQuiz(
  t: TestApp,
  student: TestUser,
  quiz: Quiz,
  right: string[],
  percentage: number,
): Promise<void> {
  const attempt = await startAttempt(t, student, quiz);
  const answers = right.map((key) => ({
    questionId: quiz.questionIds[key],
    answer: quiz.answers[key],
  }));
  const res = await t.http
    .post(`${API}/attempts/${attempt.id}/submit`)
    .set(...bearer(student))
    .send({ answers })
    .expect(200);
  expect(res.body.data).toMatchObject({ status: 'submitted', percentage });
}

/** Starts an attempt and submits it after its time limit and the grace: recorded as expired, 0 %. */
async function letAttemptExpire(t: TestApp, student: TestUser, quiz: Quiz): Promise<void> {
  const attempt = await startAttempt(t, student, quiz);
  const late = new Date(Date.parse(attempt.expiresAt!) + SUBMIT_GRACE_MS + 1_000);
  const clock = jest.spyOn(t.app.get(Clock), 'now').mockReturnValue(late);
  try {
    const res = await t.http
      .post(`${API}/attempts/${attempt.id}/submit`)
      .set(...bearer(student))
      .send({ answers: [] });
    expectError(res, 409, 'ATTEMPT_EXPIRED');
  } finally {
    clock.mockRestore();
  }
}

/** The certificate issued in the background for a completed enrollment, fetched through the API. */
async function certificateOf(t: TestApp, student: TestUser, enrollmentId: string): Promise<string> {
  const issued = await pollUntil(
    async () => {
      const res = await t.http
        .get(`${API}/certificates/my-certificates`)
        .set(...bearer(student))
        .expect(200);
      return (res.body.data as Array<{ id: string; enrollmentId: string }>).find(
        (certificate) => certificate.enrollmentId === enrollmentId,
      );
    },
    { what: `the certificate of enrollment ${enrollmentId}` },
  );
  // Asking for it again gives the same certificate (200, not a second one).
  const again = await t.http
    .post(`${API}/certificates/generate`)
    .set(...bearer(student))
    .send({ enrollmentId })
    .expect(200);
  expect(again.body.data.id).toBe(issued.id);
  return issued.id;
}

/**
 * Dates every user's sign-up relative to the database's current UTC day, in one statement, and
 * returns that day: the sign-up figures cannot drift if the test runs across midnight.
 */
async function dateSignups(t: TestApp, layout: SignupLayout): Promise<string> {
  const [row] = await t.dataSource.query<Array<{ today: string; updated: number }>>(
    `WITH today AS (SELECT (now() AT TIME ZONE 'UTC')::date AS day),
          updated AS (
            UPDATE users u SET created_at = ((today.day - v.days) + v.at) AT TIME ZONE 'UTC'
              FROM today, unnest($1::uuid[], $2::int[], $3::time[]) AS v(id, days, at)
             WHERE u.id = v.id
            RETURNING u.id)
     SELECT to_char(day, 'YYYY-MM-DD') AS today, (SELECT count(*)::int FROM updated) AS updated
       FROM today`,
    [layout.map((r) => r.id), layout.map((r) => r.daysAgo), layout.map((r) => r.at)],
  );
  expect(row.updated).toBe(layout.length);
  return row.today;
}

async function buildDataSet(t: TestApp): Promise<DataSet> {
  const admin = await createUser(t, 'admin', { fullName: 'Ada Admin' });
  const [teacherA, teacherB] = await Promise.all([
    createUser(t, 'instructor', { fullName: 'Alice Instructor' }),
    createUser(t, 'instructor', { fullName: 'Bob Instructor' }),
  ]);
  const [ana, ben, cara, dan, eve] = await Promise.all(
    ['Ana', 'Ben', 'Cara', 'Dan', 'Eve'].map((fullName) => createUser(t, 'student', { fullName })),
  );
  // Nell: created by the admin, never logs in. Gus: logs in, then is soft-deleted.
  const nell = await t.http
    .post(`${API}/users`)
    .set(...bearer(admin))
    .send({
      email: `nell-${randomUUID().slice(0, 8)}@example.com`,
      password: DEFAULT_PASSWORD,
      fullName: 'Nell',
      role: 'student',
    })
    .expect(201);
  const gus = await createUser(t, 'student', { fullName: 'Gus' });
  await t.http
    .delete(`${API}/users/${gus.id}`)
    .set(...bearer(admin))
    .expect(204);

  const algebra = await createCourse(t, teacherA, { title: 'Algebra', lessons: 6, publish: true });
  const [l1, l2, l3, l4, l5, l6] = algebra.lessonIds;
  await t.http
    .patch(`${API}/lessons/reorder`)
    .set(...bearer(teacherA))
    .send({ courseId: algebra.id, lessonIds: [l6, l1, l2, l3, l4, l5] })
    .expect(200);
  const geometry = await createCourse(t, teacherA, {
    title: 'Geometry',
    lessons: 1,
    publish: true,
  });
  const biology = await createCourse(t, teacherB, { title: 'Biology', lessons: 3, publish: true });

  const check = await createQuiz(
    t,
    teacherA,
    algebra.id,
    { title: 'Algebra check', timeLimitMinutes: 30 },
    ALGEBRA_QUESTIONS,
  );
  const bonus = await createQuiz(
    t,
    teacherA,
    algebra.id,
    { title: 'Algebra bonus' },
    BONUS_QUESTIONS,
  );
  const cells = await createQuiz(t, teacherB, biology.id, { title: 'Cells' }, CELL_QUESTIONS);

  // One at a time: enrolled_at follows this order.
  const enrollments = {
    benBiology: await enroll(t, ben, biology.id),
    benAlgebra: await enroll(t, ben, algebra.id),
    anaAlgebra: await enroll(t, ana, algebra.id),
    caraAlgebra: await enroll(t, cara, algebra.id),
    caraBiology: await enroll(t, cara, biology.id),
    danAlgebra: await enroll(t, dan, algebra.id),
    eveAlgebra: await enroll(t, eve, algebra.id),
    anaGeometry: await enroll(t, ana, geometry.id),
  };
  await t.http
    .post(`${API}/courses/${geometry.id}/unpublish`)
    .set(...bearer(teacherA))
    .expect(200);

  await completeLessons(t, ben, enrollments.benAlgebra, [l1, l2, l3]);
  await completeLessons(t, ben, enrollments.benBiology, biology.lessonIds);
  await completeLessons(t, cara, enrollments.caraAlgebra, algebra.lessonIds);
  await completeLessons(t, cara, enrollments.caraBiology, [biology.lessonIds[0]]);
  await completeLessons(t, dan, enrollments.danAlgebra, [l2, l5]);
  await completeLessons(t, eve, enrollments.eveAlgebra, algebra.lessonIds);

  await letAttemptExpire(t, ana, check);
  await takeQuiz(t, ben, check, ['MS'], 30);
  await takeQuiz(t, ben, check, ['MS', 'SA'], 70);
  await takeQuiz(t, cara, check, ['MC', 'MS', 'TF', 'SA'], 100);
  await takeQuiz(t, cara, check, ['TF', 'MS', 'SA'], 80);
  await takeQuiz(t, dan, check, ['MC', 'MS'], 50);
  await takeQuiz(t, dan, check, ['MC', 'SA'], 60);
  await takeQuiz(t, eve, check, ['TF'], 10);
  await takeQuiz(t, eve, check, ['MC', 'MS', 'SA'], 90);
  await startAttempt(t, dan, bonus);
  await takeQuiz(t, ben, cells, ['MC', 'TF'], 100);
  await takeQuiz(t, cara, cells, ['TF'], 66.67);

  const certificates = {
    benBiology: await certificateOf(t, ben, enrollments.benBiology),
    caraAlgebra: await certificateOf(t, cara, enrollments.caraAlgebra),
    eveAlgebra: await certificateOf(t, eve, enrollments.eveAlgebra),
  };
  const revoked = await t.http
    .post(`${API}/certificates/${certificates.caraAlgebra}/revoke`)
    .set(...bearer(admin))
    .expect(200);
  expect(revoked.body.data.revokedAt).not.toBeNull();

  // What the API cannot do: durations from enrollment to completion...
  for (const [id, duration] of [
    [enrollments.caraAlgebra, '2 days'],
    [enrollments.eveAlgebra, '1 day 8 hours'],
  ]) {
    await t.dataSource.query(
      `UPDATE enrollments SET enrolled_at = completed_at - $2::interval WHERE id = $1`,
      [id, duration],
    );
  }
  // ...logins long ago (Ana: 31 days, outside the 30-day window; Bob: 29 days, inside)...
  await t.dataSource.query(
    `UPDATE users SET last_login_at = now() - interval '31 days' WHERE id = $1`,
    [ana.id],
  );
  await t.dataSource.query(
    `UPDATE users SET last_login_at = now() - interval '29 days' WHERE id = $1`,
    [teacherB.id],
  );
  // ...and sign-up days (UTC). The window is today and the 29 days before it.
  const today = await dateSignups(t, [
    { id: admin.id, daysAgo: 40, at: '09:00' }, // outside
    { id: teacherA.id, daysAgo: 30, at: '23:59:59.999' }, // outside, by 1 ms
    { id: teacherB.id, daysAgo: 29, at: '00:00' }, // first day, its first instant
    { id: ana.id, daysAgo: 29, at: '12:00' }, // first day
    { id: ben.id, daysAgo: 15, at: '00:00' },
    { id: cara.id, daysAgo: 15, at: '23:59:59.999' },
    { id: dan.id, daysAgo: 7, at: '08:30' },
    { id: eve.id, daysAgo: 1, at: '23:59:59.999' }, // yesterday, its last instant
    { id: nell.body.data.id as string, daysAgo: 0, at: '00:00' }, // today
    { id: gus.id, daysAgo: 0, at: '00:00:00.001' }, // today, deleted since
  ]);

  return {
    admin,
    teacherA,
    teacherB,
    ana,
    ben,
    cara,
    dan,
    eve,
    algebra,
    geometry,
    biology,
    check,
    bonus,
    cells,
    enrollments,
    certificates,
    today,
  };
}

/** A fresh app with its own database and Redis prefix, holding the data set, for one describe. */
function useDataSet(): () => { t: TestApp; data: DataSet } {
  let t: TestApp;
  let data: DataSet;
  beforeAll(async () => {
    t = await createTestApp();
    data = await buildDataSet(t);
  }, 120_000);
  afterAll(() => closeApp(t));
  return () => ({ t, data });
}

describe('Analytics (e2e)', () => {
  describe('GET /analytics/student', () => {
    const ctx = useDataSet();

    it('gives Ben his figures: one course completed, one half done, two quizzes passed', async () => {
      const { t, data } = ctx();
      // Algebra 50 % (active), Biology 100 % (completed): average 75; lessons 3 + 3.
      // Attempts: check 30, check 70 (passed), cells 100 (passed): 3 attempts, 2 quizzes passed,
      // average (30 + 70 + 100) / 3 = 66.67. One certificate (Biology).
      // Courses newest enrollment first: Algebra (enrolled after Biology), then Biology.
      expect(await analytics(t, 'student', '/student', data.ben)).toEqual({
        enrolledCourses: 2,
        completedCourses: 1,
        averageProgress: 75,
        lessonsCompleted: 6,
        quizAttempts: 3,
        quizzesPassed: 2,
        averageQuizScore: 66.67,
        certificates: 1,
        courses: [
          {
            courseId: data.algebra.id,
            title: 'Algebra',
            progressPercentage: 50,
            status: 'active',
          },
          {
            courseId: data.biology.id,
            title: 'Biology',
            progressPercentage: 100,
            status: 'completed',
          },
        ],
      });
    });

    it('gives Cara her figures: a quiz passed twice counts once and a revoked certificate not at all', async () => {
      const { t, data } = ctx();
      // Algebra 100 % (completed, backdated enrollment), Biology 33.33 %: average 66.665 -> 66.67;
      // lessons 6 + 1. Attempts: check 100 and 80 (both passed), cells 66.67 (failed): 3 attempts,
      // 1 distinct quiz passed, average (100 + 80 + 66.67) / 3 = 82.2233 -> 82.22.
      // Her only certificate (Algebra) is revoked: 0.
      expect(await analytics(t, 'student', '/student', data.cara)).toEqual({
        enrolledCourses: 2,
        completedCourses: 1,
        averageProgress: 66.67,
        lessonsCompleted: 7,
        quizAttempts: 3,
        quizzesPassed: 1,
        averageQuizScore: 82.22,
        certificates: 0,
        courses: [
          {
            courseId: data.biology.id,
            title: 'Biology',
            progressPercentage: 33.33,
            status: 'active',
          },
          {
            courseId: data.algebra.id,
            title: 'Algebra',
            progressPercentage: 100,
            status: 'completed',
          },
        ],
      });
    });

    it('gives Ana her figures: an expired attempt counts as an attempt scored 0', async () => {
      const { t, data } = ctx();
      // Algebra and Geometry (a draft since), both 0 %; one attempt, expired: 0 %, not passed.
      expect(await analytics(t, 'student', '/student', data.ana)).toEqual({
        enrolledCourses: 2,
        completedCourses: 0,
        averageProgress: 0,
        lessonsCompleted: 0,
        quizAttempts: 1,
        quizzesPassed: 0,
        averageQuizScore: 0,
        certificates: 0,
        courses: [
          {
            courseId: data.geometry.id,
            title: 'Geometry',
            progressPercentage: 0,
            status: 'active',
          },
          { courseId: data.algebra.id, title: 'Algebra', progressPercentage: 0, status: 'active' },
        ],
      });
    });

    it('gives a caller without enrollments zeros and no courses', async () => {
      const { t, data } = ctx();
      expect(await analytics(t, 'student', '/student', data.teacherA)).toEqual({
        enrolledCourses: 0,
        completedCourses: 0,
        averageProgress: 0,
        lessonsCompleted: 0,
        quizAttempts: 0,
        quizzesPassed: 0,
        averageQuizScore: 0,
        certificates: 0,
        courses: [],
      });
    });
  });

  describe('GET /analytics/instructor', () => {
    const ctx = useDataSet();

    it('gives instructor A the figures of her two courses, newest course first', async () => {
      const { t, data } = ctx();
      // Courses: Algebra (published), Geometry (draft): 2 and 1 published.
      // Enrollments: Algebra 5 (Ana, Ben, Cara, Dan, Eve) + Geometry 1 (Ana) = 6, 5 students.
      // Completed: Cara and Eve in Algebra: 2 / 6 = 0.3333.
      // Quiz score: finished attempts of Algebra check (the bonus quiz has none):
      // (0 + 30 + 70 + 100 + 80 + 50 + 60 + 10 + 90) / 9 = 490 / 9 = 54.44.
      // Algebra: 2 / 5 = 0.4 completed; progress (0 + 50 + 100 + 33.33 + 100) / 5 = 56.666 -> 56.67.
      expect(await analytics(t, 'instructor', '/instructor', data.teacherA)).toEqual({
        totalCourses: 2,
        publishedCourses: 1,
        totalEnrollments: 6,
        totalStudents: 5,
        completionRate: 0.3333,
        averageQuizScore: 54.44,
        courses: [
          {
            courseId: data.geometry.id,
            title: 'Geometry',
            enrollments: 1,
            completions: 0,
            completionRate: 0,
            averageProgress: 0,
          },
          {
            courseId: data.algebra.id,
            title: 'Algebra',
            enrollments: 5,
            completions: 2,
            completionRate: 0.4,
            averageProgress: 56.67,
          },
        ],
      });
    });

    it('gives an admin the figures of instructor B when asked with instructorId', async () => {
      const { t, data } = ctx();
      // Biology: Ben (completed, 100 %) and Cara (33.33 %): 1 / 2 = 0.5, progress 66.665 -> 66.67.
      // Cells: (100 + 66.67) / 2 = 83.335 -> 83.34.
      expect(
        await analytics(t, 'instructor', '/instructor', data.admin, {
          instructorId: data.teacherB.id,
        }),
      ).toEqual({
        totalCourses: 1,
        publishedCourses: 1,
        totalEnrollments: 2,
        totalStudents: 2,
        completionRate: 0.5,
        averageQuizScore: 83.34,
        courses: [
          {
            courseId: data.biology.id,
            title: 'Biology',
            enrollments: 2,
            completions: 1,
            completionRate: 0.5,
            averageProgress: 66.67,
          },
        ],
      });
    });

    it('gives an admin without instructorId their own (empty) figures', async () => {
      const { t, data } = ctx();
      expect(await analytics(t, 'instructor', '/instructor', data.admin)).toEqual({
        totalCourses: 0,
        publishedCourses: 0,
        totalEnrollments: 0,
        totalStudents: 0,
        completionRate: 0,
        averageQuizScore: 0,
        courses: [],
      });
    });

    it('lets an instructor name themselves as instructorId', async () => {
      const { t, data } = ctx();
      const own = await analytics(t, 'instructor', '/instructor', data.teacherB, {
        instructorId: data.teacherB.id,
      });
      expect(own).toMatchObject({ totalCourses: 1, totalEnrollments: 2, averageQuizScore: 83.34 });
    });
  });

  describe('GET /analytics/courses/:id', () => {
    const ctx = useDataSet();

    const expectedAlgebra = (data: DataSet) => {
      const [l1, l2, l3, l4, l5, l6] = data.algebra.lessonIds;
      return {
        courseId: data.algebra.id,
        // Ana, Ben, Cara, Dan, Eve; active: Ana, Ben, Dan; completed: Cara, Eve.
        enrollments: 5,
        activeStudents: 3,
        completions: 2,
        completionRate: 0.4,
        // (0 + 50 + 100 + 33.33 + 100) / 5 = 56.666 -> 56.67
        averageProgress: 56.67,
        // Cara 2 days, Eve 1 day 8 hours = 1.3333 days: 3.3333 / 2 = 1.6667 -> 1.67
        averageCompletionDays: 1.67,
        // Position order (L6 was moved first). Completions: Ben L1-L3, Cara and Eve all, Dan L2 L5.
        lessons: [
          {
            lessonId: l6,
            title: 'Lesson 6',
            position: 1,
            completions: 2,
            averageTimeSpentSeconds: null,
          },
          {
            lessonId: l1,
            title: 'Lesson 1',
            position: 2,
            completions: 3,
            averageTimeSpentSeconds: null,
          },
          {
            lessonId: l2,
            title: 'Lesson 2',
            position: 3,
            completions: 4,
            averageTimeSpentSeconds: null,
          },
          {
            lessonId: l3,
            title: 'Lesson 3',
            position: 4,
            completions: 3,
            averageTimeSpentSeconds: null,
          },
          {
            lessonId: l4,
            title: 'Lesson 4',
            position: 5,
            completions: 2,
            averageTimeSpentSeconds: null,
          },
          {
            lessonId: l5,
            title: 'Lesson 5',
            position: 6,
            completions: 3,
            averageTimeSpentSeconds: null,
          },
        ],
        quizzes: [
          {
            // Finished: 0 (expired), 30, 70, 100, 80, 50, 60, 10, 90 -> 9 attempts, 490 / 9 = 54.44,
            // passed (>= 70): 70, 100, 80, 90 -> 4 / 9 = 0.4444.
            quizId: data.check.id,
            title: 'Algebra check',
            attempts: 9,
            averageScore: 54.44,
            passRate: 0.4444,
            // 0 -> 0-10, 10 -> 10-20, 30 -> 30-40, 50, 60, 70, 80 in theirs, 90 and 100 -> 90-100.
            scoreDistribution: buckets([1, 1, 0, 1, 0, 1, 1, 1, 1, 2]),
          },
          {
            // Only Dan's attempt in progress: nothing finished.
            quizId: data.bonus.id,
            title: 'Algebra bonus',
            attempts: 0,
            averageScore: 0,
            passRate: 0,
            scoreDistribution: buckets([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
          },
        ],
        assignments: [],
      };
    };

    it('gives the course’s instructor the full figures of Algebra', async () => {
      const { t, data } = ctx();
      const path = `/courses/${data.algebra.id}`;
      expect(await analytics(t, 'course', path, data.teacherA)).toEqual(expectedAlgebra(data));
    });

    it('gives an admin the same figures', async () => {
      const { t, data } = ctx();
      const path = `/courses/${data.algebra.id}`;
      expect(await analytics(t, 'course', path, data.admin)).toEqual(expectedAlgebra(data));
    });

    it('gives the owner of a draft its figures, with null averageCompletionDays without completions', async () => {
      const { t, data } = ctx();
      const path = `/courses/${data.geometry.id}`;
      expect(await analytics(t, 'course', path, data.teacherA)).toEqual({
        courseId: data.geometry.id,
        enrollments: 1,
        activeStudents: 1,
        completions: 0,
        completionRate: 0,
        averageProgress: 0,
        averageCompletionDays: null,
        lessons: [
          {
            lessonId: data.geometry.lessonIds[0],
            title: 'Lesson 1',
            position: 1,
            completions: 0,
            averageTimeSpentSeconds: null,
          },
        ],
        quizzes: [],
        assignments: [],
      });
    });

    it('gives instructor B the figures of Biology, with a 66.67 % attempt in the 60-70 bucket', async () => {
      const { t, data } = ctx();
      const path = `/courses/${data.biology.id}`;
      // Ben completed Biology seconds after enrolling: 0.00 days. Cara 33.33 %, average 66.67.
      // Lessons: Ben all three, Cara the first. Cells: 100 (90-100) and 66.67 (60-70).
      const body = await analytics(t, 'course', path, data.teacherB);
      expect(body).toEqual({
        courseId: data.biology.id,
        enrollments: 2,
        activeStudents: 1,
        completions: 1,
        completionRate: 0.5,
        averageProgress: 66.67,
        averageCompletionDays: 0,
        lessons: data.biology.lessonIds.map((lessonId, i) => ({
          lessonId,
          title: `Lesson ${i + 1}`,
          position: i + 1,
          completions: i === 0 ? 2 : 1,
          averageTimeSpentSeconds: null,
        })),
        quizzes: [
          {
            quizId: data.cells.id,
            title: 'Cells',
            attempts: 2,
            averageScore: 83.34,
            passRate: 0.5,
            scoreDistribution: buckets([0, 0, 0, 0, 0, 0, 1, 0, 0, 1]),
          },
        ],
        assignments: [],
      });
    });
  });

  describe('GET /analytics/system', () => {
    const ctx = useDataSet();

    it('gives an admin the platform-wide figures', async () => {
      const { t, data } = ctx();
      // Users (Gus is deleted): Ada, Alice, Bob, Ana, Ben, Cara, Dan, Eve, Nell = 9:
      // 6 students, 2 instructors, 1 admin. Logged in within 30 days: everyone but Ana
      // (31 days ago) and Nell (never) = 7; Bob's 29 days still count.
      // Courses: Algebra, Geometry (draft), Biology. Enrollments: 5 + 1 + 2 = 8; completed: Cara
      // and Eve in Algebra, Ben in Biology = 3; active 5. Certificates issued: 3 (Cara's revoked
      // since, but it was issued). Attempts, every status: 9 + 1 in progress + 2 = 12.
      // Sign-ups per UTC day, oldest first: 29 days ago Bob and Ana (2), 15 days ago Ben and
      // Cara (2), 7 days ago Dan (1), yesterday Eve (1), today Nell and Gus (2); Ada (40 days
      // ago) and Alice (30 days ago, 1 ms before the window) fall outside.
      const signups: Record<number, number> = { 29: 2, 15: 2, 7: 1, 1: 1, 0: 2 };
      expect(await analytics(t, 'system', '/system', data.admin)).toEqual({
        users: { total: 9, students: 6, instructors: 2, admins: 1, active30d: 7 },
        courses: { total: 3, published: 2 },
        enrollments: { total: 8, active: 5, completed: 3 },
        certificatesIssued: 3,
        quizAttempts: 12,
        signupsLast30Days: Array.from({ length: 30 }, (_, i) => ({
          date: daysBefore(data.today, 29 - i),
          count: signups[29 - i] ?? 0,
        })),
      });
    });
  });

  describe('access rules', () => {
    const ctx = useDataSet();

    it('answers 401 to anonymous callers on every route', async () => {
      const { t, data } = ctx();
      for (const path of ['/student', '/instructor', `/courses/${data.algebra.id}`, '/system']) {
        expectError(await getAnalytics(t, path, null), 401, 'UNAUTHORIZED');
      }
    });

    it('forbids students the instructor and system figures (403)', async () => {
      const { t, data } = ctx();
      expectError(await getAnalytics(t, '/instructor', data.ben), 403, 'FORBIDDEN');
      expectError(
        await getAnalytics(t, '/instructor', data.ben, { instructorId: data.teacherA.id }),
        403,
        'FORBIDDEN',
      );
      expectError(await getAnalytics(t, '/system', data.ben), 403, 'FORBIDDEN');
    });

    it('forbids a student the figures of a published course they are enrolled in (403)', async () => {
      const { t, data } = ctx();
      const res = await getAnalytics(t, `/courses/${data.algebra.id}`, data.ben);
      expectError(res, 403, 'FORBIDDEN');
    });

    it('answers 404 to a student for a draft of another, even one they are enrolled in', async () => {
      const { t, data } = ctx();
      const res = await getAnalytics(t, `/courses/${data.geometry.id}`, data.ana);
      expectError(res, 404, 'NOT_FOUND');
    });

    it('forbids instructors the system figures (403)', async () => {
      const { t, data } = ctx();
      expectError(await getAnalytics(t, '/system', data.teacherA), 403, 'FORBIDDEN');
    });

    it('forbids an instructor another instructor’s published course (403) and hides their draft (404)', async () => {
      const { t, data } = ctx();
      expectError(
        await getAnalytics(t, `/courses/${data.algebra.id}`, data.teacherB),
        403,
        'FORBIDDEN',
      );
      expectError(
        await getAnalytics(t, `/courses/${data.geometry.id}`, data.teacherB),
        404,
        'NOT_FOUND',
      );
    });

    it('forbids an instructor the figures of another instructor (403)', async () => {
      const { t, data } = ctx();
      const res = await getAnalytics(t, '/instructor', data.teacherB, {
        instructorId: data.teacherA.id,
      });
      expectError(res, 403, 'FORBIDDEN');
    });

    it('answers 422 for a course id that is not a UUID and 404 for an unknown course', async () => {
      const { t, data } = ctx();
      expectValidationError(await getAnalytics(t, '/courses/algebra', data.admin), 'id');
      expectError(await getAnalytics(t, `/courses/${randomUUID()}`, data.admin), 404, 'NOT_FOUND');
    });

    it('answers 422 for an instructorId that is not a UUID', async () => {
      const { t, data } = ctx();
      for (const user of [data.admin, data.teacherA]) {
        const res = await getAnalytics(t, '/instructor', user, { instructorId: 'alice' });
        expectValidationError(res, 'instructorId');
      }
    });
  });

  describe('caching (60 s)', () => {
    const ctx = useDataSet();
    let otherAdmin: TestUser;
    beforeAll(async () => {
      otherAdmin = await createUser(ctx().t, 'admin');
    });

    /** Removes a cached answer, as its 60 s expiry would. */
    async function expire(t: TestApp, key: string): Promise<void> {
      const cache = t.app.get(KeyValueStore);
      const ttl = await cache.ttl(`analytics:${key}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60);
      await cache.delete(`analytics:${key}`);
    }

    it('serves each caller their cached figures for 60 s, then the new ones', async () => {
      const { t, data } = ctx();
      const [, l2, l3, , l5] = data.algebra.lessonIds;
      const coursePath = `/courses/${data.algebra.id}`;
      const danBefore = await analytics(t, 'student', '/student', data.dan);
      const courseBefore = await analytics(t, 'course', coursePath, data.teacherA);
      const teacherBefore = await analytics(t, 'instructor', '/instructor', data.teacherA);
      expect(danBefore).toMatchObject({ averageProgress: 33.33, lessonsCompleted: 2 });
      expect(courseBefore).toMatchObject({ averageProgress: 56.67 });

      // Dan completes a third lesson: 3 / 6 = 50 %.
      await completeLessons(t, data.dan, data.enrollments.danAlgebra, [l3]);

      // Within 60 s the same callers get the figures they got before...
      expect(await analytics(t, 'student', '/student', data.dan)).toEqual(danBefore);
      expect(await analytics(t, 'course', coursePath, data.teacherA)).toEqual(courseBefore);
      expect(await analytics(t, 'instructor', '/instructor', data.teacherA)).toEqual(teacherBefore);
      // ...and the cache is per caller for student figures: Ben gets his own, not Dan's.
      expect(await analytics(t, 'student', '/student', data.ben)).toMatchObject({
        averageProgress: 75,
        lessonsCompleted: 6,
      });

      // After the expiry, fresh figures: (0 + 50 + 100 + 50 + 100) / 5 = 60.
      await expire(t, `student:${data.dan.id}`);
      await expire(t, `course:${data.algebra.id}`);
      await expire(t, `instructor:${data.teacherA.id}`);
      expect(await analytics(t, 'student', '/student', data.dan)).toMatchObject({
        averageProgress: 50,
        lessonsCompleted: 3,
        courses: [{ courseId: data.algebra.id, progressPercentage: 50, status: 'active' }],
      });
      const courseAfter = await analytics(t, 'course', coursePath, data.teacherA);
      expect(courseAfter).toMatchObject({ averageProgress: 60 });
      const byPosition = (courseAfter.lessons as Array<{ lessonId: string; completions: number }>)
        .filter((lesson) => [l2, l3, l5].includes(lesson.lessonId))
        .map((lesson) => lesson.completions);
      expect(byPosition).toEqual([4, 4, 3]);
      expect(await analytics(t, 'instructor', '/instructor', data.teacherA)).toMatchObject({
        courses: [{ title: 'Geometry' }, { title: 'Algebra', averageProgress: 60 }],
      });
    });

    it('shares a course’s cached figures between its instructor and admins, but checks access first', async () => {
      const { t, data } = ctx();
      const path = `/courses/${data.biology.id}`;
      const first = await analytics(t, 'course', path, data.teacherB);
      expect(first).toMatchObject({ averageProgress: 66.67, completions: 1 });

      // Cara completes Biology: 2 completions, 100 % each.
      await completeLessons(t, data.cara, data.enrollments.caraBiology, data.biology.lessonIds);

      // The entry is per course (the figures do not depend on who asks): the admin gets it too...
      expect(await analytics(t, 'course', path, data.admin)).toEqual(first);
      // ...while callers who may not see the figures are still refused.
      expectError(await getAnalytics(t, path, data.teacherA), 403, 'FORBIDDEN');
      expectError(await getAnalytics(t, path, data.cara), 403, 'FORBIDDEN');

      await expire(t, `course:${data.biology.id}`);
      expect(await analytics(t, 'course', path, data.admin)).toMatchObject({
        completions: 2,
        completionRate: 1,
        averageProgress: 100,
      });
    });

    it('keys instructor figures by the instructor they describe', async () => {
      const { t, data } = ctx();
      const query = { instructorId: data.teacherB.id };
      const first = await analytics(t, 'instructor', '/instructor', data.teacherB);

      await createCourse(t, data.teacherB, { title: 'Botany' });

      // The admin asking about B gets B's cached entry; the admin's own figures are separate.
      expect(await analytics(t, 'instructor', '/instructor', data.admin, query)).toEqual(first);
      expect(await analytics(t, 'instructor', '/instructor', data.admin)).toMatchObject({
        totalCourses: 0,
      });

      await expire(t, `instructor:${data.teacherB.id}`);
      const fresh = await analytics(t, 'instructor', '/instructor', data.admin, query);
      expect(fresh).toMatchObject({ totalCourses: (first.totalCourses as number) + 1 });
    });

    it('shares the system figures between admins', async () => {
      const { t, data } = ctx();
      const first = await analytics(t, 'system', '/system', data.admin);

      await createUser(t, 'student');

      expect(await analytics(t, 'system', '/system', otherAdmin)).toEqual(first);
      await expire(t, 'system');
      const fresh = await analytics(t, 'system', '/system', otherAdmin);
      const users = first.users as { total: number; students: number };
      expect(fresh.users).toMatchObject({ total: users.total + 1, students: users.students + 1 });
    });
  });

  describe('sign-ups on a database whose session time zone is not UTC', () => {
    let t: TestApp;
    let databaseUrl: string;
    beforeAll(async () => {
      databaseUrl = await createTestDatabase();
      const name = databaseUrl.slice(databaseUrl.lastIndexOf('/') + 1);
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`ALTER DATABASE "${name}" SET timezone TO 'Asia/Tokyo'`);
      } finally {
        await client.end();
      }
      t = await createTestApp({}, { share: { DATABASE_URL: databaseUrl } });
    });
    afterAll(async () => {
      await closeApp(t);
      if (databaseUrl) await dropTestDatabase(databaseUrl);
    });

    it('still counts sign-ups per UTC day', async () => {
      const [{ timezone }] = await t.dataSource.query<Array<{ timezone: string }>>(
        `SELECT current_setting('TimeZone') AS timezone`,
      );
      expect(timezone).toBe('Asia/Tokyo');
      const admin = await createUser(t, 'admin');
      const early = await createUser(t, 'student');
      const late = await createUser(t, 'student');
      const today = await dateSignups(t, [
        { id: admin.id, daysAgo: 40, at: '12:00' },
        { id: early.id, daysAgo: 3, at: '00:00' },
        { id: late.id, daysAgo: 3, at: '23:59:59.999' },
      ]);
      const body = await analytics(t, 'system', '/system', admin);
      expect(body.signupsLast30Days).toEqual(
        Array.from({ length: 30 }, (_, i) => ({
          date: daysBefore(today, 29 - i),
          count: 29 - i === 3 ? 2 : 0,
        })),
      );
    });
  });

  describe('assignments in GET /analytics/courses/:id', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterEach(() => jest.restoreAllMocks());
    afterAll(() => closeApp(t));

    const clockAt = (date: Date) => jest.spyOn(Clock.prototype, 'now').mockReturnValue(date);

    it('counts submitting students, graded latest versions, their mean finalScore and the late share', async () => {
      const teacher = await createUser(t, 'instructor');
      const course = await createCourse(t, teacher, { lessons: 1, publish: true });
      const [s1, s2, s3, s4] = await Promise.all([1, 2, 3, 4].map(() => createUser(t, 'student')));
      for (const s of [s1, s2, s3, s4]) await enrollIn(t, s, course.id);
      const dueAt = new Date(Date.now() + DAY_MS);
      const essay = await createAssignment(t, teacher, course.id, {
        title: 'Essay',
        maxPoints: 20,
        dueAt: dueAt.toISOString(),
        latePenaltyPercent: 10,
      });
      const draft = await createAssignment(
        t,
        teacher,
        course.id,
        { title: 'Draft' },
        { publish: false },
      );

      // s1: on time, graded 16. s2: graded 10 on time, then a late resubmission (ungraded).
      // s3: late, graded 20 less 10 % = 18. s4: nothing.
      await gradeSubmission(t, teacher, (await submitText(t, s1, essay.id)).id, { score: 16 });
      await gradeSubmission(t, teacher, (await submitText(t, s2, essay.id)).id, { score: 10 });
      clockAt(new Date(dueAt.getTime() + 3_600_000));
      await submitText(t, s2, essay.id, 'Second thoughts');
      const late = await submitText(t, s3, essay.id);
      expect(late.late).toBe(true);
      jest.restoreAllMocks();
      await gradeSubmission(t, teacher, late.id, { score: 20 });

      const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
      const body = await analytics(t, 'course', `/courses/${course.id}`, teacher);
      const statements = spy.mock.calls.filter(([sql]) => /\bsubmissions\b/.test(sql)).length;
      spy.mockRestore();
      expect(statements).toBe(1);
      expect(body.assignments).toEqual([
        {
          assignmentId: essay.id,
          title: 'Essay',
          submissions: 3,
          graded: 2,
          averageScore: 17,
          lateRate: 0.6667,
        },
        {
          assignmentId: draft.id,
          title: 'Draft',
          submissions: 0,
          graded: 0,
          averageScore: null,
          lateRate: 0,
        },
      ]);
    });
  });
});
