import { rm } from 'node:fs/promises';
import { createCourse } from '../factories/courses.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { API, EnrollmentBody, EnrollmentDetailBody } from '../utils/contract';
import { expectError, expectValidationError } from '../utils/expectations';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { createTestApp, TestApp } from '../utils/test-app';

describe('Lesson time and position (e2e)', () => {
  let t: TestApp;
  let teacher: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    teacher = await createUser(t, 'instructor');
  });
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  const report = (user: TestUser, enrollmentId: string, lessonId: string, body: object) =>
    t.http
      .put(`${API}/enrollments/${enrollmentId}/lessons/${lessonId}/progress`)
      .set(...bearer(user))
      .send(body);

  async function enrolled(lessons = 2) {
    const course = await createCourse(t, teacher, { lessons, publish: true });
    const student = await createUser(t, 'student');
    const res = await t.http
      .post(`${API}/enrollments`)
      .set(...bearer(student))
      .send({ courseId: course.id })
      .expect(201);
    return { course, student, enrollment: res.body.data as EnrollmentBody };
  }

  it('adds the time and sets the position; the detail shows them; the lesson stays incomplete', async () => {
    const { course, student, enrollment } = await enrolled(2);
    const [l1, l2] = course.lessonIds;
    const first = await report(student, enrollment.id, l1, {
      positionSeconds: 42,
      timeSpentSeconds: 30,
    });
    expect(first.status).toBe(200);
    expectMatchesOpenApi(first, 'put', '/api/v1/enrollments/{id}/lessons/{lessonId}/progress');
    await report(student, enrollment.id, l1, { timeSpentSeconds: 15 }).expect(200);
    const detail = (
      await t.http
        .get(`${API}/enrollments/${enrollment.id}`)
        .set(...bearer(student))
        .expect(200)
    ).body.data as EnrollmentDetailBody;
    expect(detail.lessons.map((l) => [l.lessonId, l.positionSeconds, l.timeSpentSeconds])).toEqual([
      [l1, 42, 45],
      [l2, null, 0],
    ]);
    expect(detail.lessons[0]).toMatchObject({ completed: false, completedAt: null });
    expect(detail).toMatchObject({ completedLessons: 0, progressPercentage: 0 });

    // Completing it later keeps the time, and completes once.
    const done = await t.http
      .post(`${API}/enrollments/${enrollment.id}/lessons/${l1}/complete`)
      .set(...bearer(student))
      .expect(200);
    expect(done.body.data).toMatchObject({ completedLessons: 1, progressPercentage: 50 });
    expect((done.body.data as EnrollmentDetailBody).lessons[0]).toMatchObject({
      completed: true,
      timeSpentSeconds: 45,
      positionSeconds: 42,
    });
    const lessonEvents = await t.dataSource.query<unknown[]>(
      `SELECT 1 FROM outbox_messages WHERE payload->>'type' = 'lesson.completed'
          AND payload->'data'->>'id' = $1`,
      [enrollment.id],
    );
    expect(lessonEvents).toHaveLength(1);
  });

  it('sums parallel reports exactly', async () => {
    const { course, student, enrollment } = await enrolled(1);
    const deltas = Array.from({ length: 20 }, (_, i) => i + 1);
    const responses = await Promise.all(
      deltas.map((seconds) =>
        report(student, enrollment.id, course.lessonIds[0], { timeSpentSeconds: seconds }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(deltas.map(() => 200));
    const [row] = await t.dataSource.query<Array<{ time_spent_seconds: number; n: number }>>(
      `SELECT time_spent_seconds, (SELECT count(*)::int FROM lesson_progress WHERE enrollment_id = $1) AS n
         FROM lesson_progress WHERE enrollment_id = $1`,
      [enrollment.id],
    );
    expect(row).toEqual({ time_spent_seconds: 210, n: 1 });
  });

  it('validates: time 1-3600 per call, position >= 0, integers only; 422 changes nothing', async () => {
    const { course, student, enrollment } = await enrolled(1);
    const lesson = course.lessonIds[0];
    for (const body of [
      {},
      { timeSpentSeconds: 0 },
      { timeSpentSeconds: 3601 },
      { timeSpentSeconds: 1.5 },
      { timeSpentSeconds: '10' },
      { timeSpentSeconds: null },
    ]) {
      expectValidationError(await report(student, enrollment.id, lesson, body), 'timeSpentSeconds');
    }
    expectValidationError(
      await report(student, enrollment.id, lesson, { timeSpentSeconds: 5, positionSeconds: -1 }),
      'positionSeconds',
    );
    expectValidationError(
      await report(student, enrollment.id, lesson, { timeSpentSeconds: 5, positionSeconds: null }),
      'positionSeconds',
    );
    await report(student, enrollment.id, lesson, { timeSpentSeconds: 3600 }).expect(200);
    const rows = await t.dataSource.query<Array<{ time_spent_seconds: number }>>(
      `SELECT time_spent_seconds FROM lesson_progress WHERE enrollment_id = $1`,
      [enrollment.id],
    );
    expect(rows).toEqual([{ time_spent_seconds: 3600 }]);
  });

  it('is for the enrolled student only: 403 others and dropped, 404 for a lesson of another course', async () => {
    const { course, student, enrollment } = await enrolled(1);
    const other = await enrolled(1);
    const lesson = course.lessonIds[0];
    expectError(
      await report(other.student, enrollment.id, lesson, { timeSpentSeconds: 5 }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await report(teacher, enrollment.id, lesson, { timeSpentSeconds: 5 }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await report(student, enrollment.id, other.course.lessonIds[0], { timeSpentSeconds: 5 }),
      404,
      'NOT_FOUND',
    );
    await t.http
      .delete(`${API}/enrollments/${enrollment.id}`)
      .set(...bearer(student))
      .expect(204);
    expectError(
      await report(student, enrollment.id, lesson, { timeSpentSeconds: 5 }),
      403,
      'FORBIDDEN',
    );
    const rows = await t.dataSource.query<unknown[]>(
      `SELECT 1 FROM lesson_progress WHERE enrollment_id = $1`,
      [enrollment.id],
    );
    expect(rows).toHaveLength(0);
  });

  it('averages time per lesson in course analytics over the students who reported time', async () => {
    const course = await createCourse(t, teacher, { lessons: 2, publish: true });
    const students = await Promise.all([1, 2, 3].map(() => createUser(t, 'student')));
    const enrollments = await Promise.all(
      students.map(
        async (s) =>
          (
            await t.http
              .post(`${API}/enrollments`)
              .set(...bearer(s))
              .send({ courseId: course.id })
              .expect(201)
          ).body.data as EnrollmentBody,
      ),
    );
    const [l1, l2] = course.lessonIds;
    await report(students[0], enrollments[0].id, l1, { timeSpentSeconds: 100 }).expect(200);
    await report(students[1], enrollments[1].id, l1, { timeSpentSeconds: 50 }).expect(200);
    await report(students[1], enrollments[1].id, l1, { timeSpentSeconds: 1 }).expect(200);
    // The third student completes L1 without reporting time: not in the average.
    await t.http
      .post(`${API}/enrollments/${enrollments[2].id}/lessons/${l1}/complete`)
      .set(...bearer(students[2]))
      .expect(200);
    const res = await t.http
      .get(`${API}/analytics/courses/${course.id}`)
      .set(...bearer(teacher))
      .expect(200);
    expectMatchesOpenApi(res, 'get', '/api/v1/analytics/courses/{id}');
    expect(res.body.data.lessons).toEqual([
      {
        lessonId: l1,
        title: 'Lesson 1',
        position: 1,
        completions: 1,
        averageTimeSpentSeconds: 75.5,
      },
      {
        lessonId: l2,
        title: 'Lesson 2',
        position: 2,
        completions: 0,
        averageTimeSpentSeconds: null,
      },
    ]);
  });
});
