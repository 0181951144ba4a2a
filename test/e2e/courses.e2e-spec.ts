import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { createCourse } from '../factories/courses.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { createTestApp, TestApp } from '../utils/test-app';
import { expectError, expectValidationError } from '../utils/expectations';
import { API, CourseBody } from '../utils/contract';

/** A word of lower-case letters, unique per call: the full-text index keeps it as one token. */
const word = (): string =>
  randomUUID()
    .replace(/-/g, '')
    .slice(0, 12)
    .replace(/\d/g, (digit) => 'ghijklmnop'[Number(digit)]);

const ids = (res: Response): string[] => (res.body.data as CourseBody[]).map((c) => c.id);

describe('Courses (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let student: TestUser;
  let otherInstructor: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
    student = await createUser(t, 'student');
    otherInstructor = await createUser(t, 'instructor');
  });
  afterAll(() => t.close());

  const instructor = (fullName?: string) => createUser(t, 'instructor', { fullName });

  describe('POST /courses', () => {
    it('creates an unpublished course owned by the caller with every given field', async () => {
      const teacher = await instructor('Ada Lovelace');
      const body = {
        title: '  Analytical Engines  ',
        slug: `engines-${word()}`,
        description: 'Notes on the engine',
        category: 'computing',
        difficultyLevel: 'advanced',
        thumbnailUrl: 'https://cdn.example.com/engine.png',
        estimatedDurationMinutes: 90,
        metadata: { tags: ['history'], level: 3 },
      };
      const res = await t.http
        .post(`${API}/courses`)
        .set(...bearer(teacher))
        .send(body)
        .expect(201);
      expectMatchesOpenApi(res, 'post', '/api/v1/courses');
      expect(res.body.data).toMatchObject({
        ...body,
        title: 'Analytical Engines',
        isPublished: false,
        publishedAt: null,
        instructor: { id: teacher.id, fullName: 'Ada Lovelace' },
        lessonCount: 0,
      });
      const got = await t.http
        .get(`${API}/courses/${res.body.data.id}`)
        .set(...bearer(teacher))
        .expect(200);
      expect(got.body.data).toEqual(res.body.data);
    });

    it('fills absent optional fields with null and an empty metadata object', async () => {
      const teacher = await instructor();
      const res = await t.http
        .post(`${API}/courses`)
        .set(...bearer(teacher))
        .send({ title: `Bare ${word()}` })
        .expect(201);
      expect(res.body.data).toMatchObject({
        description: null,
        category: null,
        difficultyLevel: null,
        thumbnailUrl: null,
        estimatedDurationMinutes: null,
        metadata: {},
      });
    });

    it('generates the slug from the title and makes it unique with -2, -3', async () => {
      const teacher = await instructor();
      const first = await createCourse(t, teacher, { title: 'Intro to X' });
      const second = await createCourse(t, teacher, { title: 'Intro to X' });
      const third = await createCourse(t, otherInstructor, { title: 'Intro to X!' });
      expect([first.slug, second.slug, third.slug]).toEqual([
        'intro-to-x',
        'intro-to-x-2',
        'intro-to-x-3',
      ]);
    });

    it('gives 5 concurrent creates with the same title 5 distinct slugs, all 201', async () => {
      const teacher = await instructor();
      const title = `Race ${word()}`;
      const responses = await Promise.all(
        Array.from({ length: 5 }, () =>
          t.http
            .post(`${API}/courses`)
            .set(...bearer(teacher))
            .send({ title }),
        ),
      );
      expect(responses.map((res) => res.status)).toEqual([201, 201, 201, 201, 201]);
      const base = title.toLowerCase().replace(' ', '-');
      const slugs = responses.map((res) => res.body.data.slug as string).sort();
      expect(slugs).toEqual([base, `${base}-2`, `${base}-3`, `${base}-4`, `${base}-5`].sort());
    });

    it('answers 409 when a given slug is taken', async () => {
      const teacher = await instructor();
      const slug = `taken-${word()}`;
      await createCourse(t, teacher, { body: { slug } });
      const res = await t.http
        .post(`${API}/courses`)
        .set(...bearer(otherInstructor))
        .send({ title: 'Another', slug })
        .expect(409);
      expectMatchesOpenApi(res, 'post', '/api/v1/courses');
      expect(res.body.success).toBe(false);
    });

    it('lets an admin create a course', async () => {
      const res = await t.http
        .post(`${API}/courses`)
        .set(...bearer(admin))
        .send({ title: `Admin course ${word()}` })
        .expect(201);
      expect(res.body.data.instructor.id).toBe(admin.id);
    });

    it('answers 401 to anonymous callers', async () => {
      const res = await t.http.post(`${API}/courses`).send({ title: 'Nope' }).expect(401);
      expectMatchesOpenApi(res, 'post', '/api/v1/courses');
      expectError(res, 401, 'UNAUTHORIZED');
    });

    it('answers 403 to students', async () => {
      const res = await t.http
        .post(`${API}/courses`)
        .set(...bearer(student))
        .send({ title: 'Nope' })
        .expect(403);
      expectMatchesOpenApi(res, 'post', '/api/v1/courses');
      expectError(res, 403, 'FORBIDDEN');
    });

    it.each([
      ['title is missing', {}, 'title'],
      ['title is blank', { title: '   ' }, 'title'],
      ['title is too long', { title: 'x'.repeat(201) }, 'title'],
      ['title is not a string', { title: 42 }, 'title'],
      ['slug has upper-case letters', { title: 'T', slug: 'Bad-Slug' }, 'slug'],
      ['slug has a double hyphen', { title: 'T', slug: 'bad--slug' }, 'slug'],
      ['difficultyLevel is unknown', { title: 'T', difficultyLevel: 'expert' }, 'difficultyLevel'],
      [
        'thumbnailUrl is javascript:',
        { title: 'T', thumbnailUrl: 'javascript:alert(1)' },
        'thumbnailUrl',
      ],
      [
        'estimatedDurationMinutes is negative',
        { title: 'T', estimatedDurationMinutes: -1 },
        'estimatedDurationMinutes',
      ],
      [
        'estimatedDurationMinutes is a string',
        { title: 'T', estimatedDurationMinutes: '10' },
        'estimatedDurationMinutes',
      ],
      ['metadata is an array', { title: 'T', metadata: [1] }, 'metadata'],
      ['metadata is null', { title: 'T', metadata: null }, 'metadata'],
      ['isPublished is sent', { title: 'T', isPublished: true }, 'isPublished'],
      ['an unknown field is sent', { title: 'T', owner: 'me' }, 'owner'],
    ])('answers 422 when %s', async (_case, body, field) => {
      const teacher = await instructor();
      const res = await t.http
        .post(`${API}/courses`)
        .set(...bearer(teacher))
        .send(body);
      expectValidationError(res, field);
    });

    it('documents a validation failure as in openapi.json', async () => {
      const teacher = await instructor();
      const res = await t.http
        .post(`${API}/courses`)
        .set(...bearer(teacher))
        .send({ title: '' })
        .expect(422);
      expectMatchesOpenApi(res, 'post', '/api/v1/courses');
    });
  });

  describe('GET /courses/:id and /courses/slug/:slug', () => {
    it('shows a published course to anonymous callers by id and by slug', async () => {
      const teacher = await instructor('Grace Hopper');
      const course = await createCourse(t, teacher, { lessons: 2, publish: true });
      const byId = await t.http.get(`${API}/courses/${course.id}`).expect(200);
      expectMatchesOpenApi(byId, 'get', '/api/v1/courses/{id}');
      expect(byId.body.data).toMatchObject({
        id: course.id,
        slug: course.slug,
        isPublished: true,
        lessonCount: 2,
        instructor: { id: teacher.id, fullName: 'Grace Hopper' },
      });
      const bySlug = await t.http.get(`${API}/courses/slug/${course.slug}`).expect(200);
      expectMatchesOpenApi(bySlug, 'get', '/api/v1/courses/slug/{slug}');
      expect(bySlug.body.data).toEqual(byId.body.data);
    });

    it('answers 404 for a draft to anonymous callers, students and other instructors', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      for (const path of [`/courses/${course.id}`, `/courses/slug/${course.slug}`]) {
        const anonymous = await t.http.get(`${API}${path}`).expect(404);
        expectError(anonymous, 404, 'NOT_FOUND');
        await t.http
          .get(`${API}${path}`)
          .set(...bearer(student))
          .expect(404);
        await t.http
          .get(`${API}${path}`)
          .set(...bearer(otherInstructor))
          .expect(404);
      }
      const res = await t.http.get(`${API}/courses/${course.id}`).expect(404);
      expectMatchesOpenApi(res, 'get', '/api/v1/courses/{id}');
    });

    it('shows a draft to its owner and to admins by id and by slug', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      for (const user of [teacher, admin]) {
        const byId = await t.http
          .get(`${API}/courses/${course.id}`)
          .set(...bearer(user))
          .expect(200);
        expect(byId.body.data).toMatchObject({ id: course.id, isPublished: false });
        const bySlug = await t.http
          .get(`${API}/courses/slug/${course.slug}`)
          .set(...bearer(user))
          .expect(200);
        expect(bySlug.body.data.id).toBe(course.id);
      }
    });

    it('answers 404 for an unknown id or slug', async () => {
      await t.http.get(`${API}/courses/${randomUUID()}`).expect(404);
      const res = await t.http.get(`${API}/courses/slug/no-such-${word()}`).expect(404);
      expectMatchesOpenApi(res, 'get', '/api/v1/courses/slug/{slug}');
    });

    it('answers 422 for an id that is not a UUID', async () => {
      const res = await t.http.get(`${API}/courses/not-a-uuid`).expect(422);
      expectMatchesOpenApi(res, 'get', '/api/v1/courses/{id}');
      expectError(res, 422, 'VALIDATION_ERROR');
    });

    it('answers 401 to an invalid bearer token even though the route is public', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher, { publish: true });
      const res = await t.http
        .get(`${API}/courses/${course.id}`)
        .set('Authorization', 'Bearer not-a-token')
        .expect(401);
      expectMatchesOpenApi(res, 'get', '/api/v1/courses/{id}');
      expect(res.body.success).toBe(false);
    });
  });

  describe('GET /courses', () => {
    it('lists published courses only, with instructor and lessonCount', async () => {
      const teacher = await instructor('Barbara Liskov');
      const category = word();
      const published = await createCourse(t, teacher, {
        lessons: 3,
        publish: true,
        body: { category },
      });
      await createCourse(t, teacher, { lessons: 1, body: { category } });
      const res = await t.http.get(`${API}/courses?category=${category}`).expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/courses');
      expect(ids(res)).toEqual([published.id]);
      expect(res.body.data[0]).toMatchObject({
        instructor: { id: teacher.id, fullName: 'Barbara Liskov' },
        lessonCount: 3,
        isPublished: true,
      });
      expect(res.body.meta).toEqual({ page: 1, pageSize: 20, total: 1, totalPages: 1 });
    });

    it('lists no drafts without mine=true, not even to their owner', async () => {
      const teacher = await instructor();
      const category = word();
      await createCourse(t, teacher, { body: { category } });
      for (const user of [student, otherInstructor, teacher]) {
        const res = await t.http
          .get(`${API}/courses?category=${category}`)
          .set(...bearer(user))
          .expect(200);
        expect(res.body.data).toEqual([]);
        expect(res.body.meta.total).toBe(0);
      }
    });

    it('lists the caller’s own courses, drafts included, with mine=true', async () => {
      const teacher = await instructor();
      const draft = await createCourse(t, teacher);
      const published = await createCourse(t, teacher, { publish: true });
      await createCourse(t, otherInstructor, { publish: true });
      const res = await t.http
        .get(`${API}/courses?mine=true`)
        .set(...bearer(teacher))
        .expect(200);
      expect(ids(res).sort()).toEqual([draft.id, published.id].sort());
      expect(res.body.meta.total).toBe(2);
      // A page item is the course as read by id, timestamps (written by PostgreSQL) included.
      for (const item of res.body.data as Array<{ id: string; publishedAt: string | null }>) {
        const one = await t.http
          .get(`${API}/courses/${item.id}`)
          .set(...bearer(teacher))
          .expect(200);
        expect(item).toEqual(one.body.data);
        expect(item.publishedAt === null).toBe(item.id === draft.id);
      }
    });

    it('answers 401 to anonymous callers asking for mine=true', async () => {
      const res = await t.http.get(`${API}/courses?mine=true`).expect(401);
      expectMatchesOpenApi(res, 'get', '/api/v1/courses');
      expectError(res, 401, 'UNAUTHORIZED');
    });

    it('shows admins the drafts of every instructor', async () => {
      const teacher = await instructor();
      const draft = await createCourse(t, teacher);
      const published = await createCourse(t, teacher, { publish: true });
      const res = await t.http
        .get(`${API}/courses?instructorId=${teacher.id}`)
        .set(...bearer(admin))
        .expect(200);
      expect(ids(res).sort()).toEqual([draft.id, published.id].sort());
    });

    it('filters by category, difficultyLevel and instructorId', async () => {
      const teacher = await instructor();
      const another = await instructor();
      const category = word();
      const beginner = await createCourse(t, teacher, {
        publish: true,
        body: { category, difficultyLevel: 'beginner' },
      });
      const advanced = await createCourse(t, teacher, {
        publish: true,
        body: { category, difficultyLevel: 'advanced' },
      });
      const byAnother = await createCourse(t, another, {
        publish: true,
        body: { category, difficultyLevel: 'beginner' },
      });
      await createCourse(t, teacher, { publish: true, body: { category: word() } });

      const inCategory = await t.http.get(`${API}/courses?category=${category}`).expect(200);
      expect(ids(inCategory).sort()).toEqual([beginner.id, advanced.id, byAnother.id].sort());
      const level = await t.http
        .get(`${API}/courses?category=${category}&difficultyLevel=beginner`)
        .expect(200);
      expect(ids(level).sort()).toEqual([beginner.id, byAnother.id].sort());
      const byInstructor = await t.http
        .get(`${API}/courses?category=${category}&instructorId=${another.id}`)
        .expect(200);
      expect(ids(byInstructor)).toEqual([byAnother.id]);
    });

    it('searches prefix words over title and description (q=typ finds TypeScript)', async () => {
      const teacher = await instructor();
      const ts = await createCourse(t, teacher, {
        title: 'Practical TypeScript',
        publish: true,
      });
      const described = await createCourse(t, teacher, {
        title: 'Web basics',
        publish: true,
        body: { description: 'Typing the web with types' },
      });
      const unrelated = await createCourse(t, teacher, { title: 'Rust in depth', publish: true });
      const list = (q: string) =>
        t.http.get(`${API}/courses`).query({ q, instructorId: teacher.id }).expect(200);

      expect(ids(await list('typ')).sort()).toEqual([ts.id, described.id].sort());
      expect(ids(await list('TYPESCRIPT'))).toEqual([ts.id]);
      expect(ids(await list('prac typ'))).toEqual([ts.id]);
      expect(ids(await list('web typ'))).toEqual([described.id]);
      expect(ids(await list('rust'))).toEqual([unrelated.id]);
      expect(ids(await list('python'))).toEqual([]);
    });

    it('ignores accents on both sides: cafe and café find "Café X basics", and café finds "Cafe"', async () => {
      const teacher = await instructor();
      const accented = await createCourse(t, teacher, { title: 'Café X basics', publish: true });
      const plain = await createCourse(t, teacher, {
        title: 'Cafe roasting',
        publish: true,
        body: { description: 'Łódź and crème brûlée' },
      });
      const list = (q: string) =>
        t.http.get(`${API}/courses`).query({ q, instructorId: teacher.id }).expect(200);

      expect(ids(await list('cafe')).sort()).toEqual([accented.id, plain.id].sort());
      expect(ids(await list('café')).sort()).toEqual([accented.id, plain.id].sort());
      expect(ids(await list('CAFÉ X'))).toEqual([accented.id]);
      expect(ids(await list('lodz creme brulee'))).toEqual([plain.id]);
      expect(ids(await list('Łódź brûlée'))).toEqual([plain.id]);
    });

    it('treats full-text operators in q as plain words', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher, { title: 'Operators and more', publish: true });
      for (const q of ["oper:* & | ! ( ) '", "'oper' | '", '<->', 'oper\\']) {
        const res = await t.http
          .get(`${API}/courses`)
          .query({ q, instructorId: teacher.id })
          .expect(200);
        expect(ids(res)).toEqual([course.id]);
      }
    });

    it('paginates with page, pageSize and meta counts', async () => {
      const teacher = await instructor();
      const category = word();
      for (let i = 0; i < 5; i++)
        await createCourse(t, teacher, { publish: true, body: { category } });
      const first = await t.http.get(`${API}/courses?category=${category}&pageSize=2`).expect(200);
      expect(first.body.data).toHaveLength(2);
      expect(first.body.meta).toEqual({ page: 1, pageSize: 2, total: 5, totalPages: 3 });
      const last = await t.http
        .get(`${API}/courses?category=${category}&pageSize=2&page=3`)
        .expect(200);
      expect(last.body.data).toHaveLength(1);
      expect(last.body.meta).toEqual({ page: 3, pageSize: 2, total: 5, totalPages: 3 });
      const beyond = await t.http
        .get(`${API}/courses?category=${category}&pageSize=2&page=4`)
        .expect(200);
      expect(beyond.body.data).toEqual([]);
      const pages = [first, last].flatMap(ids);
      const second = await t.http
        .get(`${API}/courses?category=${category}&pageSize=2&page=2`)
        .expect(200);
      expect(new Set([...pages, ...ids(second)]).size).toBe(5);
    });

    it('sorts by createdAt and title, ascending or descending with -', async () => {
      const teacher = await instructor();
      const category = word();
      const b = await createCourse(t, teacher, {
        title: 'Bravo',
        publish: true,
        body: { category },
      });
      const c = await createCourse(t, teacher, {
        title: 'Charlie',
        publish: true,
        body: { category },
      });
      const a = await createCourse(t, teacher, {
        title: 'Alpha',
        publish: true,
        body: { category },
      });
      const sorted = async (sort?: string) =>
        ids(await t.http.get(`${API}/courses`).query({ category, sort }).expect(200));

      expect(await sorted()).toEqual([a.id, c.id, b.id]);
      expect(await sorted('-createdAt')).toEqual([a.id, c.id, b.id]);
      expect(await sorted('createdAt')).toEqual([b.id, c.id, a.id]);
      expect(await sorted('title')).toEqual([a.id, b.id, c.id]);
      expect(await sorted('-title')).toEqual([c.id, b.id, a.id]);
    });

    it.each([
      ['sort=foo', 'sort'],
      ['sort=-foo', 'sort'],
      ['page=0', 'page'],
      ['pageSize=101', 'pageSize'],
      ['pageSize=abc', 'pageSize'],
      ['difficultyLevel=expert', 'difficultyLevel'],
      ['instructorId=not-a-uuid', 'instructorId'],
      ['mine=maybe', 'mine'],
      ['unknown=1', 'unknown'],
    ])('answers 422 for %s', async (query, field) => {
      const res = await t.http.get(`${API}/courses?${query}`);
      expectValidationError(res, field);
      expectMatchesOpenApi(res, 'get', '/api/v1/courses');
    });

    it('loads a page of 20 courses with lessons in one SQL statement, as a page of 5', async () => {
      const category = word();
      const teachers = await Promise.all(Array.from({ length: 20 }, () => instructor()));
      for (const [i, teacher] of teachers.entries()) {
        const size = i < 5 ? 'small' : 'large';
        await createCourse(t, teacher, {
          lessons: 2,
          publish: true,
          body: { category: `${category}-${size}` },
        });
        if (i < 5) {
          await createCourse(t, teacher, {
            lessons: 2,
            publish: true,
            body: { category: `${category}-large` },
          });
        }
      }
      const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
      /**
       * SQL statements on the catalogue tables while one page loads for an admin (whose lists are
       * never cached). A first, unmeasured call warms what is cached whatever the page (the
       * caller's auth state), so that both measures count the same fixed work.
       */
      const queriesFor = async (group: string, expected: number) => {
        const page = () =>
          t.http
            .get(`${API}/courses`)
            .query({ category: `${category}-${group}`, pageSize: 20 })
            .set(...bearer(admin))
            .expect(200);
        await page();
        spy.mockClear();
        const res = await page();
        const counted = spy.mock.calls.filter(([sql]) =>
          /\b(courses|lessons|users)\b/.test(String(sql)),
        ).length;
        expect(res.body.data).toHaveLength(expected);
        const instructors = new Set<string>();
        for (const course of res.body.data as CourseBody[]) {
          expect(course.lessonCount).toBe(2);
          expect(course.instructor.fullName).toBe('Test instructor');
          instructors.add(course.instructor.id);
        }
        expect(instructors.size).toBe(expected);
        expect([...instructors].every((id) => teachers.some((teacher) => teacher.id === id))).toBe(
          true,
        );
        return counted;
      };
      try {
        const small = await queriesFor('small', 5);
        const large = await queriesFor('large', 20);
        expect(small).toBe(1);
        expect(large).toBe(1);
      } finally {
        spy.mockRestore();
      }
      // A page past the end has no row to carry the total: it is counted on its own.
      const past = await t.http
        .get(`${API}/courses`)
        .query({ category: `${category}-large`, pageSize: 20, page: 2 })
        .set(...bearer(admin))
        .expect(200);
      expect(past.body.data).toEqual([]);
      expect(past.body.meta).toMatchObject({ total: 20, page: 2, pageSize: 20 });
    });
  });

  describe('cache', () => {
    it('serves a published course from the cache until a PATCH changes it', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher, { title: 'Cached title', publish: true });
      await t.http.get(`${API}/courses/${course.id}`).expect(200);
      await t.http.get(`${API}/courses/slug/${course.slug}`).expect(200);
      // Behind the API's back: a cached read cannot see this.
      await t.dataSource.query('UPDATE courses SET title = $1 WHERE id = $2', [
        'Changed in the database',
        course.id,
      ]);
      const cached = await t.http.get(`${API}/courses/${course.id}`).expect(200);
      expect(cached.body.data.title).toBe('Cached title');

      await t.http
        .patch(`${API}/courses/${course.id}`)
        .set(...bearer(teacher))
        .send({ title: 'New title' })
        .expect(200);
      const byId = await t.http.get(`${API}/courses/${course.id}`).expect(200);
      expect(byId.body.data.title).toBe('New title');
      const bySlug = await t.http.get(`${API}/courses/slug/${course.slug}`).expect(200);
      expect(bySlug.body.data.title).toBe('New title');
    });

    it("shows an instructor's new name on cached pages right after a rename", async () => {
      const teacher = await instructor('Old Name');
      const category = word();
      const course = await createCourse(t, teacher, { publish: true, body: { category } });
      const page = () => t.http.get(`${API}/courses?category=${category}`).expect(200);
      expect((await page()).body.data[0].instructor.fullName).toBe('Old Name');
      expect(
        (await t.http.get(`${API}/courses/${course.id}`).expect(200)).body.data.instructor.fullName,
      ).toBe('Old Name');

      await t.http
        .patch(`${API}/users/me`)
        .set(...bearer(teacher))
        .send({ fullName: 'New Name' })
        .expect(200);
      expect((await page()).body.data[0].instructor.fullName).toBe('New Name');

      await t.http
        .patch(`${API}/users/${teacher.id}`)
        .set(...bearer(admin))
        .send({ fullName: 'Admin Given' })
        .expect(200);
      expect((await page()).body.data[0].instructor.fullName).toBe('Admin Given');
      expect(
        (await t.http.get(`${API}/courses/${course.id}`).expect(200)).body.data.instructor.fullName,
      ).toBe('Admin Given');
    });

    it('shows the new lessonCount on the next GET after a lesson is added', async () => {
      const teacher = await instructor();
      const category = word();
      const course = await createCourse(t, teacher, {
        lessons: 1,
        publish: true,
        body: { category },
      });
      const before = await t.http.get(`${API}/courses/${course.id}`).expect(200);
      expect(before.body.data.lessonCount).toBe(1);
      await t.http.get(`${API}/courses?category=${category}`).expect(200);
      await t.http
        .post(`${API}/courses/${course.id}/lessons`)
        .set(...bearer(teacher))
        .send({ title: 'Another lesson', contentType: 'text' })
        .expect(201);
      const after = await t.http.get(`${API}/courses/${course.id}`).expect(200);
      expect(after.body.data.lessonCount).toBe(2);
      const list = await t.http.get(`${API}/courses?category=${category}`).expect(200);
      expect(list.body.data[0].lessonCount).toBe(2);
    });

    it('hides an unpublished course from anonymous callers at once', async () => {
      const teacher = await instructor();
      const category = word();
      const course = await createCourse(t, teacher, { publish: true, body: { category } });
      await t.http.get(`${API}/courses/${course.id}`).expect(200);
      await t.http.get(`${API}/courses/slug/${course.slug}`).expect(200);
      const listed = await t.http.get(`${API}/courses?category=${category}`).expect(200);
      expect(ids(listed)).toEqual([course.id]);

      await t.http
        .post(`${API}/courses/${course.id}/unpublish`)
        .set(...bearer(teacher))
        .expect(200);
      await t.http.get(`${API}/courses/${course.id}`).expect(404);
      await t.http.get(`${API}/courses/slug/${course.slug}`).expect(404);
      await t.http.get(`${API}/courses/${course.id}/lessons`).expect(404);
      const after = await t.http.get(`${API}/courses?category=${category}`).expect(200);
      expect(after.body.data).toEqual([]);
    });

    it('lists a newly published course on the next catalogue read', async () => {
      const teacher = await instructor();
      const category = word();
      const first = await createCourse(t, teacher, { publish: true, body: { category } });
      const before = await t.http.get(`${API}/courses?category=${category}`).expect(200);
      expect(ids(before)).toEqual([first.id]);
      const second = await createCourse(t, teacher, { publish: true, body: { category } });
      const after = await t.http.get(`${API}/courses?category=${category}`).expect(200);
      expect(ids(after)).toEqual([second.id, first.id]);
      expect(after.body.meta.total).toBe(2);
    });

    it('drops a deleted course from the cached reads at once', async () => {
      const teacher = await instructor();
      const category = word();
      const course = await createCourse(t, teacher, { publish: true, body: { category } });
      await t.http.get(`${API}/courses/${course.id}`).expect(200);
      await t.http.get(`${API}/courses?category=${category}`).expect(200);
      await t.http
        .delete(`${API}/courses/${course.id}`)
        .set(...bearer(teacher))
        .expect(204);
      await t.http.get(`${API}/courses/${course.id}`).expect(404);
      const list = await t.http.get(`${API}/courses?category=${category}`).expect(200);
      expect(list.body.data).toEqual([]);
    });
  });

  describe('PATCH /courses/:id', () => {
    it('changes the given fields and keeps the others', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher, {
        body: { description: 'Old description', category: 'old' },
      });
      const res = await t.http
        .patch(`${API}/courses/${course.id}`)
        .set(...bearer(teacher))
        .send({ title: 'Renamed', difficultyLevel: 'intermediate', metadata: { a: 1 } })
        .expect(200);
      expectMatchesOpenApi(res, 'patch', '/api/v1/courses/{id}');
      expect(res.body.data).toMatchObject({
        id: course.id,
        title: 'Renamed',
        slug: course.slug,
        description: 'Old description',
        category: 'old',
        difficultyLevel: 'intermediate',
        metadata: { a: 1 },
        isPublished: false,
      });
    });

    it('changes nothing for an empty body', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher, { body: { description: 'Kept' } });
      const res = await t.http
        .patch(`${API}/courses/${course.id}`)
        .set(...bearer(teacher))
        .send({})
        .expect(200);
      expect(res.body.data).toMatchObject({ title: course.title, description: 'Kept' });
    });

    it('clears a nullable field sent as null', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher, { body: { description: 'To clear' } });
      const res = await t.http
        .patch(`${API}/courses/${course.id}`)
        .set(...bearer(teacher))
        .send({ description: null })
        .expect(200);
      expect(res.body.data.description).toBeNull();
    });

    it('changes the slug, and answers 409 when the new slug is taken', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const other = await createCourse(t, otherInstructor);
      const slug = `renamed-${word()}`;
      const res = await t.http
        .patch(`${API}/courses/${course.id}`)
        .set(...bearer(teacher))
        .send({ slug })
        .expect(200);
      expect(res.body.data.slug).toBe(slug);
      await t.http
        .get(`${API}/courses/slug/${slug}`)
        .set(...bearer(teacher))
        .expect(200);
      await t.http
        .get(`${API}/courses/slug/${course.slug}`)
        .set(...bearer(teacher))
        .expect(404);
      const clash = await t.http
        .patch(`${API}/courses/${course.id}`)
        .set(...bearer(teacher))
        .send({ slug: other.slug })
        .expect(409);
      expectMatchesOpenApi(clash, 'patch', '/api/v1/courses/{id}');
    });

    it('lets an admin change the course of any instructor', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const res = await t.http
        .patch(`${API}/courses/${course.id}`)
        .set(...bearer(admin))
        .send({ title: 'Changed by admin' })
        .expect(200);
      expect(res.body.data).toMatchObject({
        title: 'Changed by admin',
        instructor: { id: teacher.id },
      });
    });

    it.each([
      ['isPublished is sent', { isPublished: true }, 'isPublished'],
      ['publishedAt is sent', { publishedAt: new Date().toISOString() }, 'publishedAt'],
      ['instructorId is sent', { instructorId: randomUUID() }, 'instructorId'],
      ['title is blank', { title: '' }, 'title'],
      ['title is null', { title: null }, 'title'],
      ['slug is null', { slug: null }, 'slug'],
      ['metadata is null', { metadata: null }, 'metadata'],
      ['difficultyLevel is unknown', { difficultyLevel: 'expert' }, 'difficultyLevel'],
      ['thumbnailUrl is ftp:', { thumbnailUrl: 'ftp://example.com/x.png' }, 'thumbnailUrl'],
    ])('answers 422 when %s', async (_case, body, field) => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const res = await t.http
        .patch(`${API}/courses/${course.id}`)
        .set(...bearer(teacher))
        .send(body);
      expectValidationError(res, field);
      expectMatchesOpenApi(res, 'patch', '/api/v1/courses/{id}');
      const unchanged = await t.http
        .get(`${API}/courses/${course.id}`)
        .set(...bearer(teacher))
        .expect(200);
      expect(unchanged.body.data).toMatchObject({ title: course.title, isPublished: false });
    });

    it('answers 401 to anonymous callers', async () => {
      const course = await createCourse(t, await instructor(), { publish: true });
      const res = await t.http
        .patch(`${API}/courses/${course.id}`)
        .send({ title: 'X' })
        .expect(401);
      expectMatchesOpenApi(res, 'patch', '/api/v1/courses/{id}');
    });

    it('answers 403 to students and other instructors on a published course', async () => {
      const course = await createCourse(t, await instructor(), { publish: true });
      for (const user of [student, otherInstructor]) {
        const res = await t.http
          .patch(`${API}/courses/${course.id}`)
          .set(...bearer(user))
          .send({ title: 'Hijacked' })
          .expect(403);
        expectMatchesOpenApi(res, 'patch', '/api/v1/courses/{id}');
      }
      const after = await t.http.get(`${API}/courses/${course.id}`).expect(200);
      expect(after.body.data.title).toBe(course.title);
    });

    it('answers 404 to other instructors on a draft, and for an unknown id', async () => {
      const course = await createCourse(t, await instructor());
      await t.http
        .patch(`${API}/courses/${course.id}`)
        .set(...bearer(otherInstructor))
        .send({ title: 'Hijacked' })
        .expect(404);
      await t.http
        .patch(`${API}/courses/${randomUUID()}`)
        .set(...bearer(admin))
        .send({ title: 'Nobody' })
        .expect(404);
    });
  });

  describe('POST /courses/:id/publish and /unpublish', () => {
    it('publishes: isPublished, publishedAt, and a course.published outbox event', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher, { lessons: 1 });
      const before = Date.now();
      const res = await t.http
        .post(`${API}/courses/${course.id}/publish`)
        .set(...bearer(teacher))
        .expect(200);
      expectMatchesOpenApi(res, 'post', '/api/v1/courses/{id}/publish');
      expect(res.body.data).toMatchObject({ id: course.id, isPublished: true, lessonCount: 1 });
      const publishedAt = Date.parse(res.body.data.publishedAt as string);
      expect(publishedAt).toBeGreaterThanOrEqual(before - 5_000);
      expect(publishedAt).toBeLessThanOrEqual(Date.now() + 5_000);

      const rows: Array<{ payload: { type: string; data: CourseBody } }> = await t.dataSource.query(
        "SELECT payload FROM outbox_messages WHERE name = 'domain-event'",
      );
      const events = rows.filter((row) => row.payload.data?.id === course.id);
      expect(events).toHaveLength(1);
      expect(events[0].payload.type).toBe('course.published');
      expect(events[0].payload.data).toMatchObject({
        id: course.id,
        slug: course.slug,
        isPublished: true,
        instructor: { id: teacher.id },
        lessonCount: 1,
      });
    });

    it('keeps publishedAt and emits no second event when publishing again', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher, { publish: true });
      const first = await t.http.get(`${API}/courses/${course.id}`).expect(200);
      const again = await t.http
        .post(`${API}/courses/${course.id}/publish`)
        .set(...bearer(teacher))
        .expect(200);
      expect(again.body.data.publishedAt).toBe(first.body.data.publishedAt);
      const rows: Array<{ payload: { data: { id?: string } } }> = await t.dataSource.query(
        "SELECT payload FROM outbox_messages WHERE name = 'domain-event'",
      );
      expect(rows.filter((row) => row.payload.data?.id === course.id)).toHaveLength(1);
    });

    it('unpublishes back to a draft that only the owner and admins can see', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher, { publish: true });
      const res = await t.http
        .post(`${API}/courses/${course.id}/unpublish`)
        .set(...bearer(teacher))
        .expect(200);
      expectMatchesOpenApi(res, 'post', '/api/v1/courses/{id}/unpublish');
      expect(res.body.data).toMatchObject({ id: course.id, isPublished: false });
      await t.http
        .get(`${API}/courses/${course.id}`)
        .set(...bearer(student))
        .expect(404);
      await t.http
        .get(`${API}/courses/${course.id}`)
        .set(...bearer(admin))
        .expect(200);
    });

    it('lets an admin publish and unpublish the course of any instructor', async () => {
      const course = await createCourse(t, await instructor());
      const published = await t.http
        .post(`${API}/courses/${course.id}/publish`)
        .set(...bearer(admin))
        .expect(200);
      expect(published.body.data.isPublished).toBe(true);
      const unpublished = await t.http
        .post(`${API}/courses/${course.id}/unpublish`)
        .set(...bearer(admin))
        .expect(200);
      expect(unpublished.body.data.isPublished).toBe(false);
    });

    it.each(['publish', 'unpublish'] as const)(
      '%s answers 401 to anonymous callers',
      async (action) => {
        const course = await createCourse(t, await instructor(), { publish: true });
        const res = await t.http.post(`${API}/courses/${course.id}/${action}`).expect(401);
        expectMatchesOpenApi(res, 'post', `/api/v1/courses/{id}/${action}`);
      },
    );

    it.each(['publish', 'unpublish'] as const)(
      '%s answers 403 to students and other instructors on a published course',
      async (action) => {
        const course = await createCourse(t, await instructor(), { publish: true });
        for (const user of [student, otherInstructor]) {
          const res = await t.http
            .post(`${API}/courses/${course.id}/${action}`)
            .set(...bearer(user))
            .expect(403);
          expectMatchesOpenApi(res, 'post', `/api/v1/courses/{id}/${action}`);
        }
        const after = await t.http.get(`${API}/courses/${course.id}`).expect(200);
        expect(after.body.data.isPublished).toBe(true);
      },
    );

    it.each(['publish', 'unpublish'] as const)(
      '%s answers 404 to others on a draft and 422 for a non-UUID id',
      async (action) => {
        const teacher = await instructor();
        const course = await createCourse(t, teacher);
        for (const user of [student, otherInstructor]) {
          await t.http
            .post(`${API}/courses/${course.id}/${action}`)
            .set(...bearer(user))
            .expect(404);
        }
        const owner = await t.http
          .get(`${API}/courses/${course.id}`)
          .set(...bearer(teacher))
          .expect(200);
        expect(owner.body.data.isPublished).toBe(false);
        const res = await t.http
          .post(`${API}/courses/not-a-uuid/${action}`)
          .set(...bearer(teacher))
          .expect(422);
        expectMatchesOpenApi(res, 'post', `/api/v1/courses/{id}/${action}`);
      },
    );
  });

  describe('DELETE /courses/:id', () => {
    it('deletes the course with its lessons', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher, { lessons: 2, publish: true });
      const res = await t.http
        .delete(`${API}/courses/${course.id}`)
        .set(...bearer(teacher))
        .expect(204);
      expect(res.text).toBe('');
      await t.http
        .get(`${API}/courses/${course.id}`)
        .set(...bearer(teacher))
        .expect(404);
      for (const lessonId of course.lessonIds) {
        await t.http
          .get(`${API}/lessons/${lessonId}`)
          .set(...bearer(admin))
          .expect(404);
      }
      const [row] = await t.dataSource.query(
        'SELECT count(*)::int AS count FROM lessons WHERE course_id = $1',
        [course.id],
      );
      expect(row.count).toBe(0);
    });

    it('deletes the enrollments of the course with it', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher, { lessons: 1, publish: true });
      const learner = await createUser(t, 'student');
      const enrollment = await t.http
        .post(`${API}/enrollments`)
        .set(...bearer(learner))
        .send({ courseId: course.id })
        .expect(201);
      await t.http
        .delete(`${API}/courses/${course.id}`)
        .set(...bearer(teacher))
        .expect(204);
      await t.http
        .get(`${API}/enrollments/${enrollment.body.data.id}`)
        .set(...bearer(learner))
        .expect(404);
      const [row] = await t.dataSource.query(
        'SELECT count(*)::int AS count FROM enrollments WHERE course_id = $1',
        [course.id],
      );
      expect(row.count).toBe(0);
    });

    it('lets an admin delete the course of any instructor', async () => {
      const course = await createCourse(t, await instructor());
      await t.http
        .delete(`${API}/courses/${course.id}`)
        .set(...bearer(admin))
        .expect(204);
      await t.http
        .get(`${API}/courses/${course.id}`)
        .set(...bearer(admin))
        .expect(404);
    });

    it('answers 401 to anonymous callers', async () => {
      const course = await createCourse(t, await instructor(), { publish: true });
      const res = await t.http.delete(`${API}/courses/${course.id}`).expect(401);
      expectMatchesOpenApi(res, 'delete', '/api/v1/courses/{id}');
      await t.http.get(`${API}/courses/${course.id}`).expect(200);
    });

    it('answers 403 to students and other instructors on a published course', async () => {
      const course = await createCourse(t, await instructor(), { publish: true });
      for (const user of [student, otherInstructor]) {
        const res = await t.http
          .delete(`${API}/courses/${course.id}`)
          .set(...bearer(user))
          .expect(403);
        expectMatchesOpenApi(res, 'delete', '/api/v1/courses/{id}');
      }
      await t.http.get(`${API}/courses/${course.id}`).expect(200);
    });

    it('answers 404 to other instructors on a draft, and 422 for a non-UUID id', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      await t.http
        .delete(`${API}/courses/${course.id}`)
        .set(...bearer(otherInstructor))
        .expect(404);
      await t.http
        .get(`${API}/courses/${course.id}`)
        .set(...bearer(teacher))
        .expect(200);
      const res = await t.http
        .delete(`${API}/courses/not-a-uuid`)
        .set(...bearer(teacher))
        .expect(422);
      expectMatchesOpenApi(res, 'delete', '/api/v1/courses/{id}');
    });
  });
});
