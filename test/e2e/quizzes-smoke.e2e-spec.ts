import { Clock } from '../../src/common/time/clock';
import { createCourse } from '../factories/courses.factory';
import { bearer, createUser } from '../factories/users.factory';
import { createTestApp, TestApp } from '../utils/test-app';

describe('quizzes smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('authors, attempts and grades a quiz, completing its lesson', async () => {
    const teacher = await createUser(t, 'instructor');
    const student = await createUser(t, 'student');
    const course = await createCourse(t, teacher, { lessons: 2, publish: true });
    const quiz = await t.http
      .post(`/api/v1/courses/${course.id}/quizzes`)
      .set(...bearer(teacher))
      .send({ title: 'Check', lessonId: course.lessonIds[1], timeLimitMinutes: 10 })
      .expect(201);
    const quizId = quiz.body.data.id as string;
    await t.http
      .post(`/api/v1/quizzes/${quizId}/publish`)
      .set(...bearer(teacher))
      .expect(422);
    const q1 = await t.http
      .post(`/api/v1/quizzes/${quizId}/questions`)
      .set(...bearer(teacher))
      .send({
        text: '2+2?',
        type: 'multiple_choice',
        options: ['3', '4'],
        correctAnswer: '4',
        points: 2,
      })
      .expect(201);
    const q2 = await t.http
      .post(`/api/v1/quizzes/${quizId}/questions`)
      .set(...bearer(teacher))
      .send({ text: 'Sky is blue', type: 'true_false', correctAnswer: true })
      .expect(201);
    await t.http
      .post(`/api/v1/quizzes/${quizId}/publish`)
      .set(...bearer(teacher))
      .expect(200);
    const enr = await t.http
      .post('/api/v1/enrollments')
      .set(...bearer(student))
      .send({ courseId: course.id })
      .expect(201);
    const started = await t.http
      .post(`/api/v1/quizzes/${quizId}/attempts`)
      .set(...bearer(student))
      .expect(201);
    expect(JSON.stringify(started.body)).not.toContain('correctAnswer');
    await t.http
      .post(`/api/v1/quizzes/${quizId}/attempts`)
      .set(...bearer(student))
      .expect(409);
    const attemptId = started.body.data.attempt.id as string;
    const submitted = await t.http
      .post(`/api/v1/attempts/${attemptId}/submit`)
      .set(...bearer(student))
      .send({
        answers: [
          { questionId: q1.body.data.id, answer: '4' },
          { questionId: q2.body.data.id, answer: true },
        ],
      })
      .expect(200);
    expect(submitted.body.data).toMatchObject({
      status: 'submitted',
      score: 3,
      maxScore: 3,
      percentage: 100,
      passed: true,
    });
    await t.http
      .post(`/api/v1/attempts/${attemptId}/submit`)
      .set(...bearer(student))
      .send({ answers: [] })
      .expect(409);
    const detail = await t.http
      .get(`/api/v1/enrollments/${enr.body.data.id}`)
      .set(...bearer(student))
      .expect(200);
    expect(detail.body.data.lessons[1].completed).toBe(true);
    // time limit through the injectable clock
    const second = await t.http
      .post(`/api/v1/quizzes/${quizId}/attempts`)
      .set(...bearer(student))
      .expect(201);
    const clock = t.app.get(Clock);
    const late = new Date(Date.now() + 11 * 60_000);
    const spy = jest.spyOn(clock, 'now').mockReturnValue(late);
    const expired = await t.http
      .post(`/api/v1/attempts/${second.body.data.attempt.id}/submit`)
      .set(...bearer(student))
      .send({ answers: [] })
      .expect(409);
    expect(expired.body.error.code).toBe('ATTEMPT_EXPIRED');
    spy.mockRestore();
    const got = await t.http
      .get(`/api/v1/attempts/${second.body.data.attempt.id}`)
      .set(...bearer(student))
      .expect(200);
    expect(got.body.data).toMatchObject({ status: 'expired', score: 0 });
  });
});
