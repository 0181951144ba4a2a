import { createCourse } from '../factories/courses.factory';
import { bearer, createUser } from '../factories/users.factory';
import { createTestApp, TestApp } from '../utils/test-app';

describe('enrollments smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('enrolls idempotently and completes a course', async () => {
    const teacher = await createUser(t, 'instructor');
    const student = await createUser(t, 'student');
    const course = await createCourse(t, teacher, { lessons: 3, publish: true });
    const first = await t.http
      .post('/api/v1/enrollments')
      .set(...bearer(student))
      .send({ courseId: course.id })
      .expect(201);
    const again = await t.http
      .post('/api/v1/enrollments')
      .set(...bearer(student))
      .send({ courseId: course.id })
      .expect(200);
    expect(again.body.data.id).toBe(first.body.data.id);
    expect(first.body.data.totalLessons).toBe(3);
    const id = first.body.data.id as string;
    let res = await t.http
      .post(`/api/v1/enrollments/${id}/lessons/${course.lessonIds[0]}/complete`)
      .set(...bearer(student))
      .expect(200);
    expect(res.body.data.progressPercentage).toBe(33.33);
    await t.http
      .post(`/api/v1/enrollments/${id}/lessons/${course.lessonIds[1]}/complete`)
      .set(...bearer(student))
      .expect(200);
    res = await t.http
      .post(`/api/v1/enrollments/${id}/lessons/${course.lessonIds[2]}/complete`)
      .set(...bearer(student))
      .expect(200);
    expect(res.body.data.status).toBe('completed');
    expect(res.body.data.progressPercentage).toBe(100);
    expect(res.body.data.lessons.every((l: { completed: boolean }) => l.completed)).toBe(true);
    const lesson = await t.http
      .get(`/api/v1/lessons/${course.lessonIds[0]}`)
      .set(...bearer(student))
      .expect(200);
    expect(lesson.body.data.content).toContain('Body');
    const roster = await t.http
      .get(`/api/v1/courses/${course.id}/enrollments`)
      .set(...bearer(teacher))
      .expect(200);
    expect(roster.body.data[0].student.email).toBe(student.email);
    const rows = await t.dataSource.query<Array<{ queue: string; name: string }>>(
      'SELECT queue, name FROM outbox_messages ORDER BY created_at',
    );
    expect(rows.map((r) => r.name)).toEqual(
      expect.arrayContaining(['issue-certificate', 'domain-event', 'send-email']),
    );
  });
});
