import { createCourse } from '../factories/courses.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { expectError } from '../utils/expectations';
import { createTestApp, TestApp } from '../utils/test-app';
import { API } from '../utils/contract';

/**
 * The access policy decides on the caller's current role and ownership together: an instructor an
 * admin demoted to student loses control of their courses at once, with the token they hold.
 */
describe('access policy', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
  });
  afterAll(() => t.close());

  it('takes a demoted instructor’s courses, rosters, answer keys and analytics away at once', async () => {
    const teacher = await createUser(t, 'instructor');
    const learner = await createUser(t, 'student');
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const draft = await createCourse(t, teacher, { lessons: 1 });
    const quiz = await t.http
      .post(`${API}/courses/${course.id}/quizzes`)
      .set(...bearer(teacher))
      .send({ title: 'Keys' })
      .expect(201);
    const quizId = quiz.body.data.id as string;
    await t.http
      .post(`${API}/quizzes/${quizId}/questions`)
      .set(...bearer(teacher))
      .send({ text: 'Sky blue?', type: 'true_false', correctAnswer: true })
      .expect(201);
    await t.http
      .post(`${API}/quizzes/${quizId}/publish`)
      .set(...bearer(teacher))
      .expect(200);
    await t.http
      .post(`${API}/enrollments`)
      .set(...bearer(learner))
      .send({ courseId: course.id })
      .expect(201);
    const reads = [
      `${API}/courses/${course.id}/enrollments`,
      `${API}/quizzes/${quizId}/questions`,
      `${API}/analytics/courses/${course.id}`,
      `${API}/courses/${draft.id}`,
    ];
    for (const url of reads)
      await t.http
        .get(url)
        .set(...bearer(teacher))
        .expect(200);

    await t.http
      .patch(`${API}/users/${teacher.id}`)
      .set(...bearer(admin))
      .send({ role: 'student' })
      .expect(200);

    // Same token: the published course's managed parts are 403, the draft no longer exists.
    for (const url of reads.slice(0, 3)) {
      expectError(await t.http.get(url).set(...bearer(teacher)), 403, 'FORBIDDEN');
    }
    expectError(await t.http.get(reads[3]).set(...bearer(teacher)), 404, 'NOT_FOUND');
    expectError(
      await t.http
        .patch(`${API}/courses/${course.id}`)
        .set(...bearer(teacher))
        .send({ title: 'Hijacked' }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await t.http
        .post(`${API}/courses/${course.id}/lessons`)
        .set(...bearer(teacher))
        .send({ title: 'Sneaky', contentType: 'text' }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await t.http.delete(`${API}/quizzes/${quizId}`).set(...bearer(teacher)),
      403,
      'FORBIDDEN',
    );
    const listed = await t.http
      .get(`${API}/quizzes/${quizId}/attempts?studentId=${learner.id}`)
      .set(...bearer(teacher));
    expectError(listed, 403, 'FORBIDDEN');

    // Promoted back, the same token manages again.
    await t.http
      .patch(`${API}/users/${teacher.id}`)
      .set(...bearer(admin))
      .send({ role: 'instructor' })
      .expect(200);
    for (const url of reads)
      await t.http
        .get(url)
        .set(...bearer(teacher))
        .expect(200);
  });

  it('lets admins manage any course and instructors only their own', async () => {
    const owner = await createUser(t, 'instructor');
    const other = await createUser(t, 'instructor');
    const course = await createCourse(t, owner, { lessons: 1, publish: true });
    await t.http
      .get(`${API}/courses/${course.id}/enrollments`)
      .set(...bearer(admin))
      .expect(200);
    expectError(
      await t.http.get(`${API}/courses/${course.id}/enrollments`).set(...bearer(other)),
      403,
      'FORBIDDEN',
    );
  });
});
