import { createCourse } from '../factories/courses.factory';
import { bearer, createUser } from '../factories/users.factory';
import { createTestApp, TestApp } from '../utils/test-app';

describe('analytics smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('computes figures', async () => {
    const teacher = await createUser(t, 'instructor');
    const student = await createUser(t, 'student');
    const admin = await createUser(t, 'admin');
    const course = await createCourse(t, teacher, { lessons: 2, publish: true });
    const enr = await t.http
      .post('/api/v1/enrollments')
      .set(...bearer(student))
      .send({ courseId: course.id })
      .expect(201);
    await t.http
      .post(`/api/v1/enrollments/${enr.body.data.id}/lessons/${course.lessonIds[0]}/complete`)
      .set(...bearer(student))
      .expect(200);
    const s = await t.http
      .get('/api/v1/analytics/student')
      .set(...bearer(student))
      .expect(200);
    expect(s.body.data).toMatchObject({
      enrolledCourses: 1,
      completedCourses: 0,
      averageProgress: 50,
      lessonsCompleted: 1,
    });
    const i = await t.http
      .get('/api/v1/analytics/instructor')
      .set(...bearer(teacher))
      .expect(200);
    expect(i.body.data).toMatchObject({
      totalCourses: 1,
      publishedCourses: 1,
      totalEnrollments: 1,
      totalStudents: 1,
      completionRate: 0,
    });
    const c = await t.http
      .get(`/api/v1/analytics/courses/${course.id}`)
      .set(...bearer(teacher))
      .expect(200);
    expect(c.body.data).toMatchObject({
      enrollments: 1,
      activeStudents: 1,
      completions: 0,
      averageProgress: 50,
      averageCompletionDays: null,
    });
    expect(c.body.data.lessons.map((l: { completions: number }) => l.completions)).toEqual([1, 0]);
    const sys = await t.http
      .get('/api/v1/analytics/system')
      .set(...bearer(admin))
      .expect(200);
    expect(sys.body.data.users.total).toBe(3);
    expect(sys.body.data.signupsLast30Days).toHaveLength(30);
    expect(sys.body.data.signupsLast30Days[29].count).toBe(3);
    await t.http
      .get('/api/v1/analytics/system')
      .set(...bearer(student))
      .expect(403);
  });
});
