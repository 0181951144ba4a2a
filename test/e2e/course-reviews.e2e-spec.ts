import { rm } from 'node:fs/promises';
import { createCourse } from '../factories/courses.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { API, CourseBody } from '../utils/contract';
import { expectError, expectValidationError } from '../utils/expectations';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { createTestApp, TestApp } from '../utils/test-app';

interface ReviewBody {
  id: string;
  rating: number;
  comment: string | null;
  author: { id: string; fullName: string };
  createdAt: string;
  updatedAt: string;
}

describe('Course reviews and ratings (e2e)', () => {
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

  const putReview = (user: TestUser, courseId: string, body: object) =>
    t.http
      .put(`${API}/courses/${courseId}/reviews/me`)
      .set(...bearer(user))
      .send(body);
  const deleteReview = (user: TestUser, courseId: string) =>
    t.http.delete(`${API}/courses/${courseId}/reviews/me`).set(...bearer(user));
  const courseOf = async (courseId: string): Promise<CourseBody> =>
    (await t.http.get(`${API}/courses/${courseId}`).expect(200)).body.data;

  async function enrolledStudents(courseId: string, n: number, name = 'Reviewer') {
    return Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const student = await createUser(t, 'student', { fullName: `${name} ${i}` });
        await t.http
          .post(`${API}/enrollments`)
          .set(...bearer(student))
          .send({ courseId })
          .expect(201);
        return student;
      }),
    );
  }

  /** The totals the course shows against the reviews that exist. */
  async function expectExactTotals(courseId: string) {
    const [truth] = await t.dataSource.query<Array<{ n: number; s: number }>>(
      `SELECT count(*)::int AS n, coalesce(sum(rating), 0)::int AS s
         FROM course_reviews WHERE course_id = $1`,
      [courseId],
    );
    const course = await courseOf(courseId);
    expect({ count: course.ratingCount, average: course.ratingAverage }).toEqual({
      count: truth.n,
      average: truth.n === 0 ? null : Math.round((truth.s / truth.n) * 100) / 100,
    });
    return truth;
  }

  it('writes, replaces and deletes a review; the course shows average and count', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    expect(await courseOf(course.id)).toMatchObject({ ratingAverage: null, ratingCount: 0 });
    const [ana, ben] = await enrolledStudents(course.id, 2);

    const first = await putReview(ana, course.id, { rating: 4, comment: 'Clear and useful' });
    expect(first.status).toBe(200);
    expectMatchesOpenApi(first, 'put', '/api/v1/courses/{id}/reviews/me');
    const review = first.body.data as ReviewBody;
    expect(review).toMatchObject({
      rating: 4,
      comment: 'Clear and useful',
      author: { id: ana.id, fullName: ana.fullName },
    });
    await putReview(ben, course.id, { rating: 5 }).expect(200);
    expect(await courseOf(course.id)).toMatchObject({ ratingAverage: 4.5, ratingCount: 2 });

    const replaced = await putReview(ana, course.id, { rating: 2 }).expect(200);
    expect(replaced.body.data).toMatchObject({ id: review.id, rating: 2, comment: null });
    expect(await courseOf(course.id)).toMatchObject({ ratingAverage: 3.5, ratingCount: 2 });

    const list = await t.http.get(`${API}/courses/${course.id}/reviews`).expect(200);
    expectMatchesOpenApi(list, 'get', '/api/v1/courses/{id}/reviews');
    expect(list.body.meta).toMatchObject({ total: 2, page: 1 });
    expect((list.body.data as ReviewBody[]).map((r) => [r.author.id, r.rating])).toEqual([
      [ben.id, 5],
      [ana.id, 2],
    ]);

    await deleteReview(ana, course.id).expect(204);
    await deleteReview(ana, course.id).expect(204);
    expect(await courseOf(course.id)).toMatchObject({ ratingAverage: 5, ratingCount: 1 });
    await deleteReview(ben, course.id).expect(204);
    expect(await courseOf(course.id)).toMatchObject({ ratingAverage: null, ratingCount: 0 });
  });

  it('rounds the average to 2 decimals and shows it in the (cached) catalogue at once', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const students = await enrolledStudents(course.id, 3);
    const inCatalogue = async () => {
      const res = await t.http
        .get(`${API}/courses?instructorId=${teacher.id}&pageSize=100`)
        .expect(200);
      return (res.body.data as CourseBody[]).find((c) => c.id === course.id)!;
    };
    expect(await inCatalogue()).toMatchObject({ ratingAverage: null, ratingCount: 0 });
    await putReview(students[0], course.id, { rating: 5 }).expect(200);
    await putReview(students[1], course.id, { rating: 4 }).expect(200);
    await putReview(students[2], course.id, { rating: 4 }).expect(200);
    expect(await inCatalogue()).toMatchObject({ ratingAverage: 4.33, ratingCount: 3 });
    expect(await courseOf(course.id)).toMatchObject({ ratingAverage: 4.33, ratingCount: 3 });
  });

  it('keeps exact totals under 20 parallel reviews, then parallel replacements and deletions', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const students = await enrolledStudents(course.id, 20);
    const first = await Promise.all(
      students.map((s, i) => putReview(s, course.id, { rating: (i % 5) + 1 })),
    );
    expect(first.map((r) => r.status)).toEqual(students.map(() => 200));
    expect(await expectExactTotals(course.id)).toEqual({ n: 20, s: 60 });

    const second = await Promise.all([
      ...students.slice(0, 10).map((s) => putReview(s, course.id, { rating: 5 })),
      ...students.slice(0, 10).map((s) => putReview(s, course.id, { rating: 1 })),
      ...students.slice(15).map((s) => deleteReview(s, course.id)),
    ]);
    expect(second.every((r) => r.status === 200 || r.status === 204)).toBe(true);
    const truth = await expectExactTotals(course.id);
    expect(truth.n).toBe(15);
    const [totals] = await t.dataSource.query<Array<{ rating_sum: number; rating_count: number }>>(
      `SELECT rating_sum, rating_count FROM courses WHERE id = $1`,
      [course.id],
    );
    expect(totals).toEqual({ rating_sum: truth.s, rating_count: truth.n });
  });

  it('makes one review of parallel first PUTs by one student', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const [student] = await enrolledStudents(course.id, 1);
    const responses = await Promise.all(
      [1, 2, 3, 4, 5].map((rating) => putReview(student, course.id, { rating })),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const ids = new Set(responses.map((r) => (r.body.data as ReviewBody).id));
    expect(ids.size).toBe(1);
    const truth = await expectExactTotals(course.id);
    expect(truth.n).toBe(1);
  });

  it('lets only enrolled, not dropped, students review; others 403, drafts 404, anonymous 401', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const draft = await createCourse(t, teacher, { lessons: 1 });
    const [enrolled] = await enrolledStudents(course.id, 1);
    const outsider = await createUser(t, 'student');
    expectError(await putReview(outsider, course.id, { rating: 5 }), 403, 'FORBIDDEN');
    expectError(await putReview(teacher, course.id, { rating: 5 }), 403, 'FORBIDDEN');
    expectError(await putReview(enrolled, draft.id, { rating: 5 }), 404, 'NOT_FOUND');
    expectError(
      await t.http.put(`${API}/courses/${course.id}/reviews/me`).send({ rating: 5 }),
      401,
      'UNAUTHORIZED',
    );
    const enrollment = await t.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM enrollments WHERE student_id = $1`,
      [enrolled.id],
    );
    await t.http
      .delete(`${API}/enrollments/${enrollment[0].id}`)
      .set(...bearer(enrolled))
      .expect(204);
    const dropped = await putReview(enrolled, course.id, { rating: 5 });
    expectError(dropped, 403, 'FORBIDDEN');
    expect(dropped.body.message).toBe('You dropped this course: enroll again to continue');
    expect(await courseOf(course.id)).toMatchObject({ ratingCount: 0 });
    expectError(await t.http.get(`${API}/courses/${draft.id}/reviews`), 404, 'NOT_FOUND');
    await t.http
      .get(`${API}/courses/${draft.id}/reviews`)
      .set(...bearer(teacher))
      .expect(200);
  });

  it('validates rating 1-5 (integer) and comment <= 2000 characters; 422 changes nothing', async () => {
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const [student] = await enrolledStudents(course.id, 1);
    for (const body of [{}, { rating: 0 }, { rating: 6 }, { rating: 2.5 }, { rating: '5' }]) {
      expectValidationError(await putReview(student, course.id, body), 'rating');
    }
    expectValidationError(
      await putReview(student, course.id, { rating: 3, comment: 'x'.repeat(2001) }),
      'comment',
    );
    expectValidationError(await putReview(student, course.id, { rating: 3, extra: true }));
    await putReview(student, course.id, { rating: 3, comment: 'x'.repeat(2000) }).expect(200);
    expect(await expectExactTotals(course.id)).toEqual({ n: 1, s: 3 });
  });
});
