import { createCourse } from '../factories/courses.factory';
import { bearer, createUser } from '../factories/users.factory';
import { createTestApp, TestApp } from '../utils/test-app';

describe('courses smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('creates, lists, publishes, reorders', async () => {
    const teacher = await createUser(t, 'instructor');
    const course = await createCourse(t, teacher, { title: 'Intro to X', lessons: 3 });
    expect(course.slug).toBe('intro-to-x');
    const second = await createCourse(t, teacher, { title: 'Intro to X' });
    expect(second.slug).toBe('intro-to-x-2');
    await t.http.get(`/api/v1/courses/${course.id}`).expect(404);
    await t.http
      .post(`/api/v1/courses/${course.id}/publish`)
      .set(...bearer(teacher))
      .expect(200);
    const got = await t.http.get(`/api/v1/courses/${course.id}`).expect(200);
    expect(got.body.data.lessonCount).toBe(3);
    expect(got.body.data.instructor).toEqual({ id: teacher.id, fullName: teacher.fullName });
    const list = await t.http.get('/api/v1/courses?q=intro').expect(200);
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([course.id]);
    const reversed = [...course.lessonIds].reverse();
    const re = await t.http
      .patch('/api/v1/lessons/reorder')
      .set(...bearer(teacher))
      .send({ courseId: course.id, lessonIds: reversed })
      .expect(200);
    expect(re.body.data.map((l: { id: string }) => l.id)).toEqual(reversed);
    await t.http
      .delete(`/api/v1/lessons/${reversed[0]}`)
      .set(...bearer(teacher))
      .expect(204);
    const outline = await t.http.get(`/api/v1/courses/${course.id}/lessons`).expect(200);
    expect(outline.body.data.map((l: { position: number }) => l.position)).toEqual([1, 2]);
    const cached = await t.http.get(`/api/v1/courses/${course.id}`).expect(200);
    expect(cached.body.data.lessonCount).toBe(2);
  });
});
