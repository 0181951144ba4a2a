import { rm } from 'node:fs/promises';
import { createCourse, createLesson } from '../factories/courses.factory';
import { createQuiz } from '../factories/quizzes.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { API, EnrollmentBody, EnrollmentDetailBody, RosterEntryBody } from '../utils/contract';
import { expectError } from '../utils/expectations';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { createTestApp, TestApp } from '../utils/test-app';

const DROPPED_MESSAGE = 'You dropped this course: enroll again to continue';

describe('Enrollment lifecycle: drop and reactivate (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let teacher: TestUser;
  let otherTeacher: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
    [admin, teacher, otherTeacher] = await Promise.all([
      createUser(t, 'admin'),
      createUser(t, 'instructor'),
      createUser(t, 'instructor'),
    ]);
  });
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  const enroll = (user: TestUser, courseId: string) =>
    t.http
      .post(`${API}/enrollments`)
      .set(...bearer(user))
      .send({ courseId });
  const drop = (user: TestUser, id: string) =>
    t.http.delete(`${API}/enrollments/${id}`).set(...bearer(user));
  const detail = async (user: TestUser, id: string): Promise<EnrollmentDetailBody> =>
    (
      await t.http
        .get(`${API}/enrollments/${id}`)
        .set(...bearer(user))
        .expect(200)
    ).body.data;
  const droppedEvents = (enrollmentId: string) =>
    t.dataSource.query<Array<{ payload: { data: EnrollmentBody } }>>(
      `SELECT payload FROM outbox_messages
        WHERE payload->>'type' = 'enrollment.dropped' AND payload->'data'->>'id' = $1`,
      [enrollmentId],
    );

  async function enrolledStudent(lessons = 2) {
    const course = await createCourse(t, teacher, { lessons, publish: true });
    const student = await createUser(t, 'student');
    const enrollment = (await enroll(student, course.id).expect(201)).body.data as EnrollmentBody;
    return { course, student, enrollment };
  }

  it('lets the student drop: 204, status dropped, progress kept, one enrollment.dropped event', async () => {
    const { course, student, enrollment } = await enrolledStudent(2);
    await t.http
      .post(`${API}/enrollments/${enrollment.id}/lessons/${course.lessonIds[0]}/complete`)
      .set(...bearer(student))
      .expect(200);
    const res = await drop(student, enrollment.id);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const after = await detail(student, enrollment.id);
    expect(after).toMatchObject({ status: 'dropped', progressPercentage: 50, completedLessons: 1 });
    expect(after.lessons.map((l) => l.completed)).toEqual([true, false]);
    const events = await droppedEvents(enrollment.id);
    expect(events).toHaveLength(1);
    expect(events[0].payload.data).toMatchObject({
      id: enrollment.id,
      studentId: student.id,
      status: 'dropped',
      progressPercentage: 50,
    });
    // Dropping again changes nothing and emits nothing.
    await drop(student, enrollment.id).expect(204);
    expect(await droppedEvents(enrollment.id)).toHaveLength(1);
  });

  it('drops once under 5 parallel drops: all 204, exactly one event', async () => {
    const { student, enrollment } = await enrolledStudent(1);
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, i) => drop(i % 2 === 0 ? student : teacher, enrollment.id)),
    );
    expect(responses.map((r) => r.status)).toEqual([204, 204, 204, 204, 204]);
    expect(await droppedEvents(enrollment.id)).toHaveLength(1);
  });

  it('is allowed to the course’s instructor and admins; 403 to others, 404 for unknown ids', async () => {
    const { student, enrollment } = await enrolledStudent(1);
    const other = await createUser(t, 'student');
    expectError(await drop(other, enrollment.id), 403, 'FORBIDDEN');
    expectError(await drop(otherTeacher, enrollment.id), 403, 'FORBIDDEN');
    expectError(await drop(admin, '00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND');
    expect((await detail(student, enrollment.id)).status).toBe('active');
    await drop(teacher, enrollment.id).expect(204);
    const second = await enrolledStudent(1);
    await drop(admin, second.enrollment.id).expect(204);
    expect((await detail(second.student, second.enrollment.id)).status).toBe('dropped');
  });

  it('locks a dropped student out of lessons, quiz starts and submits, assignments and progress (403), not previews', async () => {
    const { course, student, enrollment } = await enrolledStudent(1);
    const preview = await t.http
      .post(`${API}/courses/${course.id}/lessons`)
      .set(...bearer(teacher))
      .send({ title: 'Preview', contentType: 'text', content: 'free', isPreview: true })
      .expect(201);
    const quiz = await createQuiz(t, teacher, course.id, {}, [
      { text: 'Yes?', type: 'true_false', correctAnswer: true },
    ]);
    const assignment = await t.http
      .post(`${API}/courses/${course.id}/assignments`)
      .set(...bearer(teacher))
      .send({ title: 'Essay', submissionTypes: ['text'] })
      .expect(201);
    await t.http
      .post(`${API}/assignments/${assignment.body.data.id}/publish`)
      .set(...bearer(teacher))
      .expect(200);
    await t.http
      .get(`${API}/lessons/${course.lessonIds[0]}`)
      .set(...bearer(student))
      .expect(200);

    const started = await t.http
      .post(`${API}/quizzes/${quiz.id}/attempts`)
      .set(...bearer(student))
      .expect(201);
    const attemptId = started.body.data.attempt.id as string;

    await drop(student, enrollment.id).expect(204);

    const refused = [
      await t.http
        .post(`${API}/attempts/${attemptId}/submit`)
        .set(...bearer(student))
        .send({ answers: [{ questionId: quiz.questions[0].id, answer: true }] }),
      await t.http.get(`${API}/lessons/${course.lessonIds[0]}`).set(...bearer(student)),
      await t.http.post(`${API}/quizzes/${quiz.id}/attempts`).set(...bearer(student)),
      await t.http
        .post(`${API}/assignments/${assignment.body.data.id}/submissions`)
        .set(...bearer(student))
        .send({ text: 'my essay' }),
      await t.http
        .post(`${API}/enrollments/${enrollment.id}/lessons/${course.lessonIds[0]}/complete`)
        .set(...bearer(student)),
    ];
    for (const res of refused) {
      expectError(res, 403, 'FORBIDDEN');
      expect(res.body.message).toBe(DROPPED_MESSAGE);
    }
    await t.http
      .get(`${API}/lessons/${preview.body.data.id}`)
      .set(...bearer(student))
      .expect(200);
    const attempts = await t.dataSource.query<Array<{ status: string }>>(
      `SELECT status FROM quiz_attempts WHERE student_id = $1`,
      [student.id],
    );
    expect(attempts).toEqual([{ status: 'in_progress' }]);
  });

  it('takes a dropped student out of the gradebook, keeps them in the roster with status dropped', async () => {
    const { course, student, enrollment } = await enrolledStudent(1);
    const stays = await createUser(t, 'student');
    await enroll(stays, course.id).expect(201);
    await drop(student, enrollment.id).expect(204);

    const gradebook = await t.http
      .get(`${API}/courses/${course.id}/gradebook`)
      .set(...bearer(teacher))
      .expect(200);
    const ids = (gradebook.body.data.students as Array<{ studentId: string }>).map(
      (s) => s.studentId,
    );
    expect(ids).toEqual([stays.id]);
    expect(gradebook.body.meta.total).toBe(1);
    expectError(
      await t.http.get(`${API}/courses/${course.id}/my-grades`).set(...bearer(student)),
      403,
      'FORBIDDEN',
    );

    const roster = await t.http
      .get(`${API}/courses/${course.id}/enrollments?status=dropped`)
      .set(...bearer(teacher))
      .expect(200);
    expect((roster.body.data as RosterEntryBody[]).map((r) => [r.student.id, r.status])).toEqual([
      [student.id, 'dropped'],
    ]);
  });

  it('reactivates on enrolling again: 200, progress kept, lessons open again', async () => {
    const { course, student, enrollment } = await enrolledStudent(2);
    await t.http
      .post(`${API}/enrollments/${enrollment.id}/lessons/${course.lessonIds[0]}/complete`)
      .set(...bearer(student))
      .expect(200);
    await drop(student, enrollment.id).expect(204);
    const again = await enroll(student, course.id);
    expect(again.status).toBe(200);
    expectMatchesOpenApi(again, 'post', '/api/v1/enrollments');
    expect(again.body.data).toMatchObject({
      id: enrollment.id,
      status: 'active',
      progressPercentage: 50,
      completedLessons: 1,
    });
    await t.http
      .get(`${API}/lessons/${course.lessonIds[1]}`)
      .set(...bearer(student))
      .expect(200);
  });

  it('reactivates a completed enrollment as completed', async () => {
    const { course, student, enrollment } = await enrolledStudent(1);
    await t.http
      .post(`${API}/enrollments/${enrollment.id}/lessons/${course.lessonIds[0]}/complete`)
      .set(...bearer(student))
      .expect(200);
    await drop(student, enrollment.id).expect(204);
    const again = await enroll(student, course.id).expect(200);
    expect(again.body.data).toMatchObject({ status: 'completed', progressPercentage: 100 });
  });

  it('survives drop and re-enroll races: no 5xx, one enrollment, a final state that matches the events', async () => {
    const { course, student, enrollment } = await enrolledStudent(1);
    for (let round = 0; round < 5; round++) {
      const responses = await Promise.all([
        drop(student, enrollment.id),
        enroll(student, course.id),
        drop(teacher, enrollment.id),
        enroll(student, course.id),
      ]);
      expect(responses.map((r) => r.status)).toEqual([204, 200, 204, 200]);
    }
    const rows = await t.dataSource.query<Array<{ status: string }>>(
      `SELECT status FROM enrollments WHERE student_id = $1 AND course_id = $2`,
      [student.id, course.id],
    );
    expect(rows).toHaveLength(1);
    expect(['active', 'dropped']).toContain(rows[0].status);
    expect((await detail(student, enrollment.id)).status).toBe(rows[0].status);
    // Each emitted event is a real transition: never more events than drop requests.
    const events = await droppedEvents(enrollment.id);
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.length).toBeLessThanOrEqual(10);
  });

  it('lets webhooks subscribe to enrollment.dropped', async () => {
    const res = await t.http
      .post(`${API}/webhooks`)
      .set(...bearer(admin))
      .send({ url: 'http://127.0.0.1:9/hook', events: ['enrollment.dropped'] });
    expect(res.status).toBe(201);
    expect(res.body.data.events).toEqual(['enrollment.dropped']);
  });

  it('adds lessons to a course with dropped students without completing them', async () => {
    const { course, student, enrollment } = await enrolledStudent(1);
    await drop(student, enrollment.id).expect(204);
    await createLesson(t, teacher, course.id, { title: 'Later' });
    const after = await detail(student, enrollment.id);
    expect(after).toMatchObject({ status: 'dropped', totalLessons: 2 });
  });
});
