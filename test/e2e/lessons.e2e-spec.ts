import { randomUUID } from 'node:crypto';
import { createCourse } from '../factories/courses.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { createTestApp, TestApp } from '../utils/test-app';
import { expectValidationError } from '../utils/expectations';
import { API, LessonBody, payload } from '../utils/contract';

describe('Lessons (e2e)', () => {
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

  const instructor = () => createUser(t, 'instructor');

  const addLesson = (user: TestUser, courseId: string, body: Record<string, unknown>) =>
    t.http
      .post(`${API}/courses/${courseId}/lessons`)
      .set(...bearer(user))
      .send(body);

  /** The outline as the owner sees it: `[title, position]` in order. */
  const outline = async (owner: TestUser, courseId: string): Promise<Array<[string, number]>> => {
    const res = await t.http
      .get(`${API}/courses/${courseId}/lessons`)
      .set(...bearer(owner))
      .expect(200);
    return payload<LessonBody[]>(res).map((lesson) => [lesson.title, lesson.position]);
  };

  /** A course with text lessons titled `Lesson 1`..`Lesson n` (`lessonIds` in that order). */
  const courseWithLessons = (owner: TestUser, count: number, publish = false) =>
    createCourse(t, owner, { lessons: count, publish });

  /** The outline of an untouched `courseWithLessons(owner, n)`. */
  const initial = (n: number): Array<[string, number]> =>
    Array.from({ length: n }, (_, i) => [`Lesson ${i + 1}`, i + 1]);

  describe('POST /courses/:id/lessons', () => {
    it('creates a lesson with every field, appended at last + 1', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 2);
      const body = {
        title: '  Watching the engine  ',
        content: 'Transcript',
        contentType: 'video',
        videoUrl: 'https://videos.example.com/engine.mp4',
        durationMinutes: 12,
        isPreview: true,
        metadata: { captions: ['en'] },
      };
      const res = await addLesson(teacher, course.id, body).expect(201);
      expectMatchesOpenApi(res, 'post', '/api/v1/courses/{id}/lessons');
      expect(res.body.data).toMatchObject({
        ...body,
        title: 'Watching the engine',
        courseId: course.id,
        position: 3,
      });
      expect(await outline(teacher, course.id)).toEqual([
        ['Lesson 1', 1],
        ['Lesson 2', 2],
        ['Watching the engine', 3],
      ]);
    });

    it('gives the first lesson position 1 and defaults for the optional fields', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const res = await addLesson(teacher, course.id, {
        title: 'First',
        contentType: 'text',
      }).expect(201);
      expect(res.body.data).toMatchObject({
        position: 1,
        content: null,
        videoUrl: null,
        durationMinutes: null,
        isPreview: false,
        metadata: {},
      });
    });

    it('inserts at a given position and moves the later lessons down', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 3);
      const res = await addLesson(teacher, course.id, {
        title: 'Inserted',
        contentType: 'text',
        position: 2,
      }).expect(201);
      expect(res.body.data.position).toBe(2);
      expect(await outline(teacher, course.id)).toEqual([
        ['Lesson 1', 1],
        ['Inserted', 2],
        ['Lesson 2', 3],
        ['Lesson 3', 4],
      ]);
      await addLesson(teacher, course.id, {
        title: 'Top',
        contentType: 'text',
        position: 1,
      }).expect(201);
      await addLesson(teacher, course.id, {
        title: 'End',
        contentType: 'text',
        position: 6,
      }).expect(201);
      expect(await outline(teacher, course.id)).toEqual([
        ['Top', 1],
        ['Lesson 1', 2],
        ['Inserted', 3],
        ['Lesson 2', 4],
        ['Lesson 3', 5],
        ['End', 6],
      ]);
    });

    it('gives concurrent creates distinct contiguous positions', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const responses = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          addLesson(teacher, course.id, { title: `Parallel ${i}`, contentType: 'text' }),
        ),
      );
      expect(responses.map((res) => res.status)).toEqual([201, 201, 201, 201, 201]);
      const positions = responses.map((res) => res.body.data.position as number).sort();
      expect(positions).toEqual([1, 2, 3, 4, 5]);
    });

    it('answers 422 for a position beyond last + 1, and creates nothing', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 2);
      const res = await addLesson(teacher, course.id, {
        title: 'Too far',
        contentType: 'text',
        position: 4,
      });
      expectValidationError(res, 'position');
      expectMatchesOpenApi(res, 'post', '/api/v1/courses/{id}/lessons');
      expect(await outline(teacher, course.id)).toEqual([
        ['Lesson 1', 1],
        ['Lesson 2', 2],
      ]);
    });

    it('accepts http and https video URLs on video lessons', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      for (const videoUrl of ['http://videos.example.com/a.mp4', 'https://videos.example.com/b']) {
        const res = await addLesson(teacher, course.id, {
          title: 'Video',
          contentType: 'video',
          videoUrl,
        }).expect(201);
        expect(res.body.data.videoUrl).toBe(videoUrl);
      }
    });

    it.each([
      ['javascript:', 'javascript:alert(1)'],
      ['ftp:', 'ftp://files.example.com/a.mp4'],
      ['data:', 'data:video/mp4;base64,AAAA'],
      ['relative', '/videos/a.mp4'],
    ])('answers 422 for a %s video URL', async (_scheme, videoUrl) => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const res = await addLesson(teacher, course.id, {
        title: 'Video',
        contentType: 'video',
        videoUrl,
      });
      expectValidationError(res, 'videoUrl');
      expect(await outline(teacher, course.id)).toEqual([]);
    });

    it.each(['text', 'document'])('answers 422 for a videoUrl on a %s lesson', async (type) => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const res = await addLesson(teacher, course.id, {
        title: 'Not a video',
        contentType: type,
        videoUrl: 'https://videos.example.com/a.mp4',
      });
      expectValidationError(res, 'videoUrl');
      expect(await outline(teacher, course.id)).toEqual([]);
    });

    it.each([
      ['title is missing', { contentType: 'text' }, 'title'],
      ['title is blank', { title: '  ', contentType: 'text' }, 'title'],
      ['title is too long', { title: 'x'.repeat(201), contentType: 'text' }, 'title'],
      ['contentType is missing', { title: 'T' }, 'contentType'],
      ['contentType is unknown', { title: 'T', contentType: 'audio' }, 'contentType'],
      ['position is 0', { title: 'T', contentType: 'text', position: 0 }, 'position'],
      [
        'position is not an integer',
        { title: 'T', contentType: 'text', position: 1.5 },
        'position',
      ],
      ['position is null', { title: 'T', contentType: 'text', position: null }, 'position'],
      [
        'durationMinutes is negative',
        { title: 'T', contentType: 'text', durationMinutes: -1 },
        'durationMinutes',
      ],
      ['isPreview is a string', { title: 'T', contentType: 'text', isPreview: 'yes' }, 'isPreview'],
      ['isPreview is null', { title: 'T', contentType: 'text', isPreview: null }, 'isPreview'],
      ['metadata is null', { title: 'T', contentType: 'text', metadata: null }, 'metadata'],
      ['metadata is a string', { title: 'T', contentType: 'text', metadata: 'x' }, 'metadata'],
      [
        'an unknown field is sent',
        { title: 'T', contentType: 'text', courseId: randomUUID() },
        'courseId',
      ],
    ])('answers 422 when %s', async (_case, body, field) => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const res = await addLesson(teacher, course.id, body);
      expectValidationError(res, field);
      expect(await outline(teacher, course.id)).toEqual([]);
    });

    it('lets an admin add a lesson to the course of any instructor', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const res = await addLesson(admin, course.id, {
        title: 'By admin',
        contentType: 'text',
      }).expect(201);
      expect(res.body.data.courseId).toBe(course.id);
    });

    it('answers 401 to anonymous callers', async () => {
      const course = await createCourse(t, await instructor(), { publish: true });
      const res = await t.http
        .post(`${API}/courses/${course.id}/lessons`)
        .send({ title: 'T', contentType: 'text' })
        .expect(401);
      expectMatchesOpenApi(res, 'post', '/api/v1/courses/{id}/lessons');
    });

    it('answers 403 to students and other instructors on a published course', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher, { publish: true });
      for (const user of [student, otherInstructor]) {
        const res = await addLesson(user, course.id, { title: 'T', contentType: 'text' }).expect(
          403,
        );
        expectMatchesOpenApi(res, 'post', '/api/v1/courses/{id}/lessons');
      }
      expect(await outline(teacher, course.id)).toEqual([]);
    });

    it('answers 404 to others on a draft, and for an unknown course', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      for (const user of [student, otherInstructor]) {
        await addLesson(user, course.id, { title: 'T', contentType: 'text' }).expect(404);
      }
      const res = await addLesson(admin, randomUUID(), { title: 'T', contentType: 'text' }).expect(
        404,
      );
      expectMatchesOpenApi(res, 'post', '/api/v1/courses/{id}/lessons');
      expect(await outline(teacher, course.id)).toEqual([]);
    });

    it('answers 422 for a course id that is not a UUID', async () => {
      const teacher = await instructor();
      const res = await addLesson(teacher, 'not-a-uuid', { title: 'T', contentType: 'text' });
      expectValidationError(res);
    });
  });

  describe('GET /courses/:id/lessons (outline)', () => {
    it('lists the lessons of a published course by position, without content or videoUrl', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher, { publish: true });
      await addLesson(teacher, course.id, {
        title: 'Second',
        contentType: 'video',
        videoUrl: 'https://videos.example.com/secret.mp4',
        content: 'Secret transcript',
        isPreview: true,
      }).expect(201);
      await addLesson(teacher, course.id, {
        title: 'First',
        contentType: 'text',
        content: 'Secret text',
        position: 1,
      }).expect(201);
      const res = await t.http.get(`${API}/courses/${course.id}/lessons`).expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/courses/{id}/lessons');
      const lessons = payload<LessonBody[]>(res);
      expect(lessons.map((l) => [l.title, l.position, l.isPreview])).toEqual([
        ['First', 1, false],
        ['Second', 2, true],
      ]);
      for (const lesson of lessons) {
        expect(lesson).not.toHaveProperty('content');
        expect(lesson).not.toHaveProperty('videoUrl');
        expect(lesson.courseId).toBe(course.id);
      }
      expect(JSON.stringify(res.body)).not.toContain('Secret');
    });

    it('is empty for a course without lessons', async () => {
      const course = await createCourse(t, await instructor(), { publish: true });
      const res = await t.http.get(`${API}/courses/${course.id}/lessons`).expect(200);
      expect(res.body.data).toEqual([]);
    });

    it('answers 404 for a draft to anonymous callers, students and other instructors', async () => {
      const course = await courseWithLessons(await instructor(), 2);
      const res = await t.http.get(`${API}/courses/${course.id}/lessons`).expect(404);
      expectMatchesOpenApi(res, 'get', '/api/v1/courses/{id}/lessons');
      for (const user of [student, otherInstructor]) {
        await t.http
          .get(`${API}/courses/${course.id}/lessons`)
          .set(...bearer(user))
          .expect(404);
      }
    });

    it('shows the outline of a draft to its owner and to admins', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 2);
      for (const user of [teacher, admin]) {
        const res = await t.http
          .get(`${API}/courses/${course.id}/lessons`)
          .set(...bearer(user))
          .expect(200);
        expect(payload<LessonBody[]>(res).map((l) => l.id)).toEqual(course.lessonIds);
      }
    });

    it('answers 404 for an unknown course and 422 for a non-UUID id', async () => {
      await t.http.get(`${API}/courses/${randomUUID()}/lessons`).expect(404);
      const res = await t.http.get(`${API}/courses/not-a-uuid/lessons`).expect(422);
      expectMatchesOpenApi(res, 'get', '/api/v1/courses/{id}/lessons');
    });
  });

  describe('GET /lessons/:id', () => {
    const videoLesson = {
      title: 'Full video',
      contentType: 'video',
      content: 'Full transcript',
      videoUrl: 'https://videos.example.com/full.mp4',
    };

    it('gives the owner the full lesson with content and videoUrl', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const created = await addLesson(teacher, course.id, videoLesson).expect(201);
      const res = await t.http
        .get(`${API}/lessons/${created.body.data.id}`)
        .set(...bearer(teacher))
        .expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/lessons/{id}');
      expect(res.body.data).toEqual(created.body.data);
      expect(res.body.data).toMatchObject(videoLesson);
    });

    it('gives admins the full lesson, drafts included', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const created = await addLesson(teacher, course.id, videoLesson).expect(201);
      const res = await t.http
        .get(`${API}/lessons/${created.body.data.id}`)
        .set(...bearer(admin))
        .expect(200);
      expect(res.body.data).toMatchObject(videoLesson);
    });

    it('gives any authenticated user a preview lesson of a published course', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher, { publish: true });
      const created = await addLesson(teacher, course.id, {
        ...videoLesson,
        isPreview: true,
      }).expect(201);
      for (const user of [student, otherInstructor]) {
        const res = await t.http
          .get(`${API}/lessons/${created.body.data.id}`)
          .set(...bearer(user))
          .expect(200);
        expect(res.body.data).toMatchObject({ ...videoLesson, isPreview: true });
      }
    });

    it('answers 403 for a non-preview lesson to students not enrolled and other instructors', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher, { publish: true });
      const created = await addLesson(teacher, course.id, videoLesson).expect(201);
      for (const user of [student, otherInstructor]) {
        const res = await t.http
          .get(`${API}/lessons/${created.body.data.id}`)
          .set(...bearer(user))
          .expect(403);
        expectMatchesOpenApi(res, 'get', '/api/v1/lessons/{id}');
        expect(res.body).toMatchObject({ success: false, error: { code: 'FORBIDDEN' } });
        expect(JSON.stringify(res.body)).not.toContain('Full transcript');
      }
    });

    it('gives a student enrolled in the course its non-preview lessons', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher, { publish: true });
      const created = await addLesson(teacher, course.id, videoLesson).expect(201);
      const enrolled = await createUser(t, 'student');
      await t.http
        .get(`${API}/lessons/${created.body.data.id}`)
        .set(...bearer(enrolled))
        .expect(403);
      await t.http
        .post(`${API}/enrollments`)
        .set(...bearer(enrolled))
        .send({ courseId: course.id })
        .expect(201);
      const res = await t.http
        .get(`${API}/lessons/${created.body.data.id}`)
        .set(...bearer(enrolled))
        .expect(200);
      expect(res.body.data).toMatchObject(videoLesson);
    });

    it('answers 404 for lessons of a draft, previews included, to everyone but owner and admins', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const preview = await addLesson(teacher, course.id, {
        ...videoLesson,
        isPreview: true,
      }).expect(201);
      const plain = await addLesson(teacher, course.id, videoLesson).expect(201);
      for (const lesson of [preview, plain]) {
        for (const user of [student, otherInstructor]) {
          const res = await t.http
            .get(`${API}/lessons/${lesson.body.data.id}`)
            .set(...bearer(user))
            .expect(404);
          expectMatchesOpenApi(res, 'get', '/api/v1/lessons/{id}');
        }
      }
    });

    it('answers 401 to anonymous callers, even for a preview lesson', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher, { publish: true });
      const created = await addLesson(teacher, course.id, {
        ...videoLesson,
        isPreview: true,
      }).expect(201);
      const res = await t.http.get(`${API}/lessons/${created.body.data.id}`).expect(401);
      expectMatchesOpenApi(res, 'get', '/api/v1/lessons/{id}');
      expect(res.body).toMatchObject({ success: false, error: { code: 'UNAUTHORIZED' } });
    });

    it('answers 404 for an unknown lesson and 422 for a non-UUID id', async () => {
      await t.http
        .get(`${API}/lessons/${randomUUID()}`)
        .set(...bearer(admin))
        .expect(404);
      const res = await t.http
        .get(`${API}/lessons/not-a-uuid`)
        .set(...bearer(admin))
        .expect(422);
      expectMatchesOpenApi(res, 'get', '/api/v1/lessons/{id}');
    });
  });

  describe('PATCH /lessons/:id', () => {
    const patch = (user: TestUser, id: string, body: Record<string, unknown>) =>
      t.http
        .patch(`${API}/lessons/${id}`)
        .set(...bearer(user))
        .send(body);

    it('changes the given fields and keeps the others', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const created = await addLesson(teacher, course.id, {
        title: 'Original',
        contentType: 'text',
        content: 'Kept content',
        durationMinutes: 5,
      }).expect(201);
      const res = await patch(teacher, created.body.data.id, {
        title: 'Renamed',
        isPreview: true,
        metadata: { level: 2 },
      }).expect(200);
      expectMatchesOpenApi(res, 'patch', '/api/v1/lessons/{id}');
      expect(res.body.data).toMatchObject({
        id: created.body.data.id,
        title: 'Renamed',
        content: 'Kept content',
        contentType: 'text',
        durationMinutes: 5,
        position: 1,
        isPreview: true,
        metadata: { level: 2 },
      });
    });

    it('clears nullable fields sent as null', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const created = await addLesson(teacher, course.id, {
        title: 'With content',
        contentType: 'text',
        content: 'To clear',
        durationMinutes: 5,
      }).expect(201);
      const res = await patch(teacher, created.body.data.id, {
        content: null,
        durationMinutes: null,
      }).expect(200);
      expect(res.body.data).toMatchObject({ content: null, durationMinutes: null });
    });

    it('moves a lesson up and down, keeping positions contiguous 1..n', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 4);
      const [l1, l2, , l4] = course.lessonIds;

      const up = await patch(teacher, l4, { position: 1 }).expect(200);
      expect(up.body.data.position).toBe(1);
      expect(await outline(teacher, course.id)).toEqual([
        ['Lesson 4', 1],
        ['Lesson 1', 2],
        ['Lesson 2', 3],
        ['Lesson 3', 4],
      ]);

      await patch(teacher, l1, { position: 4 }).expect(200);
      expect(await outline(teacher, course.id)).toEqual([
        ['Lesson 4', 1],
        ['Lesson 2', 2],
        ['Lesson 3', 3],
        ['Lesson 1', 4],
      ]);

      await patch(teacher, l2, { position: 3, title: 'Lesson 2b' }).expect(200);
      expect(await outline(teacher, course.id)).toEqual([
        ['Lesson 4', 1],
        ['Lesson 3', 2],
        ['Lesson 2b', 3],
        ['Lesson 1', 4],
      ]);

      await patch(teacher, l2, { position: 3 }).expect(200);
      expect((await outline(teacher, course.id)).map(([, position]) => position)).toEqual([
        1, 2, 3, 4,
      ]);
    });

    it('answers 422 for a position beyond the last lesson, and moves nothing', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 3);
      const res = await patch(teacher, course.lessonIds[0], { position: 4 });
      expectValidationError(res, 'position');
      expectMatchesOpenApi(res, 'patch', '/api/v1/lessons/{id}');
      expect(await outline(teacher, course.id)).toEqual(initial(3));
    });

    it('answers 422 when contentType becomes text while the lesson has a videoUrl', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const created = await addLesson(teacher, course.id, {
        title: 'Video',
        contentType: 'video',
        videoUrl: 'https://videos.example.com/v.mp4',
      }).expect(201);
      const res = await patch(teacher, created.body.data.id, { contentType: 'text' });
      expectValidationError(res, 'videoUrl');
      const after = await t.http
        .get(`${API}/lessons/${created.body.data.id}`)
        .set(...bearer(teacher))
        .expect(200);
      expect(after.body.data).toMatchObject({
        contentType: 'video',
        videoUrl: 'https://videos.example.com/v.mp4',
      });
    });

    it('turns a video lesson into a text lesson when its videoUrl is cleared too', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const created = await addLesson(teacher, course.id, {
        title: 'Video',
        contentType: 'video',
        videoUrl: 'https://videos.example.com/v.mp4',
      }).expect(201);
      const res = await patch(teacher, created.body.data.id, {
        contentType: 'text',
        videoUrl: null,
      }).expect(200);
      expect(res.body.data).toMatchObject({ contentType: 'text', videoUrl: null });
    });

    it('answers 422 for a videoUrl on a text lesson, and for a non-http(s) videoUrl', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const text = await addLesson(teacher, course.id, { title: 'Text', contentType: 'text' });
      const video = await addLesson(teacher, course.id, { title: 'Video', contentType: 'video' });
      expectValidationError(
        await patch(teacher, text.body.data.id, { videoUrl: 'https://videos.example.com/v.mp4' }),
        'videoUrl',
      );
      expectValidationError(
        await patch(teacher, video.body.data.id, { videoUrl: 'javascript:alert(1)' }),
        'videoUrl',
      );
      expectValidationError(
        await patch(teacher, video.body.data.id, { videoUrl: 'ftp://files.example.com/v.mp4' }),
        'videoUrl',
      );
      const after = await t.http
        .get(`${API}/lessons/${video.body.data.id}`)
        .set(...bearer(teacher))
        .expect(200);
      expect(after.body.data.videoUrl).toBeNull();
    });

    it.each([
      ['title is null', { title: null }, 'title'],
      ['title is blank', { title: '' }, 'title'],
      ['contentType is null', { contentType: null }, 'contentType'],
      ['contentType is unknown', { contentType: 'audio' }, 'contentType'],
      ['position is null', { position: null }, 'position'],
      ['position is 0', { position: 0 }, 'position'],
      ['isPreview is null', { isPreview: null }, 'isPreview'],
      ['metadata is null', { metadata: null }, 'metadata'],
      ['courseId is sent', { courseId: randomUUID() }, 'courseId'],
    ])('answers 422 when %s', async (_case, body, field) => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 2);
      const res = await patch(teacher, course.lessonIds[0], body);
      expectValidationError(res, field);
      expect(await outline(teacher, course.id)).toEqual(initial(2));
    });

    it('lets an admin change a lesson of any instructor', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 1);
      const res = await patch(admin, course.lessonIds[0], { title: 'By admin' }).expect(200);
      expect(res.body.data.title).toBe('By admin');
    });

    it('answers 401 to anonymous callers', async () => {
      const course = await courseWithLessons(await instructor(), 1, true);
      const res = await t.http
        .patch(`${API}/lessons/${course.lessonIds[0]}`)
        .send({ title: 'X' })
        .expect(401);
      expectMatchesOpenApi(res, 'patch', '/api/v1/lessons/{id}');
    });

    it('answers 403 to students and other instructors on a published course', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 1, true);
      for (const user of [student, otherInstructor]) {
        const res = await patch(user, course.lessonIds[0], { title: 'Hijacked' }).expect(403);
        expectMatchesOpenApi(res, 'patch', '/api/v1/lessons/{id}');
      }
      expect(await outline(teacher, course.id)).toEqual([['Lesson 1', 1]]);
    });

    it('tells others 403 or 404, not what the stored lesson would make of their change', async () => {
      const teacher = await instructor();
      const video = {
        title: 'Video',
        contentType: 'video',
        videoUrl: 'https://videos.example.com/v.mp4',
      };
      const published = await createCourse(t, teacher, { publish: true });
      const draft = await createCourse(t, teacher);
      const onPublished = await addLesson(teacher, published.id, video).expect(201);
      const onDraft = await addLesson(teacher, draft.id, video).expect(201);
      // For the owner, this change is a 422 (a text lesson cannot keep its videoUrl).
      for (const user of [student, otherInstructor]) {
        await patch(user, onPublished.body.data.id, { contentType: 'text' }).expect(403);
        await patch(user, onDraft.body.data.id, { contentType: 'text' }).expect(404);
      }
      expectValidationError(await patch(teacher, onDraft.body.data.id, { contentType: 'text' }));
    });

    it('answers 404 to others on a draft, for an unknown lesson, and 422 for a non-UUID id', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 1);
      for (const user of [student, otherInstructor]) {
        await patch(user, course.lessonIds[0], { title: 'Hijacked' }).expect(404);
      }
      await patch(admin, randomUUID(), { title: 'Nobody' }).expect(404);
      expectValidationError(await patch(admin, 'not-a-uuid', { title: 'Nobody' }));
      expect(await outline(teacher, course.id)).toEqual([['Lesson 1', 1]]);
    });
  });

  describe('DELETE /lessons/:id', () => {
    const remove = (user: TestUser, id: string) =>
      t.http.delete(`${API}/lessons/${id}`).set(...bearer(user));

    it('deletes a lesson and keeps the remaining positions contiguous', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 4, true);
      const res = await remove(teacher, course.lessonIds[1]).expect(204);
      expect(res.text).toBe('');
      expect(await outline(teacher, course.id)).toEqual([
        ['Lesson 1', 1],
        ['Lesson 3', 2],
        ['Lesson 4', 3],
      ]);
      await remove(teacher, course.lessonIds[0]).expect(204);
      await remove(teacher, course.lessonIds[3]).expect(204);
      expect(await outline(teacher, course.id)).toEqual([['Lesson 3', 1]]);
      await t.http
        .get(`${API}/lessons/${course.lessonIds[1]}`)
        .set(...bearer(teacher))
        .expect(404);
      const got = await t.http.get(`${API}/courses/${course.id}`).expect(200);
      expect(got.body.data.lessonCount).toBe(1);
      await remove(teacher, course.lessonIds[1]).expect(404);
    });

    it('lets an admin delete a lesson of any instructor', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 2);
      await remove(admin, course.lessonIds[0]).expect(204);
      expect(await outline(teacher, course.id)).toEqual([['Lesson 2', 1]]);
    });

    it('answers 401 to anonymous callers', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 1, true);
      const res = await t.http.delete(`${API}/lessons/${course.lessonIds[0]}`).expect(401);
      expectMatchesOpenApi(res, 'delete', '/api/v1/lessons/{id}');
      expect(await outline(teacher, course.id)).toHaveLength(1);
    });

    it('answers 403 to students and other instructors on a published course', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 1, true);
      for (const user of [student, otherInstructor]) {
        const res = await remove(user, course.lessonIds[0]).expect(403);
        expectMatchesOpenApi(res, 'delete', '/api/v1/lessons/{id}');
      }
      expect(await outline(teacher, course.id)).toHaveLength(1);
    });

    it('answers 404 to others on a draft, for an unknown lesson, and 422 for a non-UUID id', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 1);
      for (const user of [student, otherInstructor]) {
        await remove(user, course.lessonIds[0]).expect(404);
      }
      await remove(admin, randomUUID()).expect(404);
      const res = await remove(admin, 'not-a-uuid').expect(422);
      expectMatchesOpenApi(res, 'delete', '/api/v1/lessons/{id}');
      expect(await outline(teacher, course.id)).toHaveLength(1);
    });
  });

  describe('PATCH /lessons/reorder', () => {
    const reorder = (user: TestUser, body: Record<string, unknown>) =>
      t.http
        .patch(`${API}/lessons/reorder`)
        .set(...bearer(user))
        .send(body);

    it('puts the lessons in the given order and returns the outline', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 4);
      const [l1, l2, l3, l4] = course.lessonIds;
      const order = [l3, l1, l4, l2];
      const res = await reorder(teacher, { courseId: course.id, lessonIds: order }).expect(200);
      expectMatchesOpenApi(res, 'patch', '/api/v1/lessons/reorder');
      const lessons = payload<LessonBody[]>(res);
      expect(lessons.map((l) => [l.id, l.position])).toEqual(order.map((id, i) => [id, i + 1]));
      for (const lesson of lessons) {
        expect(lesson).not.toHaveProperty('content');
        expect(lesson).not.toHaveProperty('videoUrl');
      }
      expect(await outline(teacher, course.id)).toEqual([
        ['Lesson 3', 1],
        ['Lesson 1', 2],
        ['Lesson 4', 3],
        ['Lesson 2', 4],
      ]);
    });

    it('lets an admin reorder the lessons of any instructor', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 2, true);
      const order = [...course.lessonIds].reverse();
      await reorder(admin, { courseId: course.id, lessonIds: order }).expect(200);
      expect(await outline(teacher, course.id)).toEqual([
        ['Lesson 2', 1],
        ['Lesson 1', 2],
      ]);
    });

    it('accepts an empty list for a course without lessons', async () => {
      const teacher = await instructor();
      const course = await createCourse(t, teacher);
      const res = await reorder(teacher, { courseId: course.id, lessonIds: [] }).expect(200);
      expect(res.body.data).toEqual([]);
    });

    it.each([
      ['a lesson is missing', (ids: string[]) => ids.slice(0, 2)],
      ['a lesson is repeated', (ids: string[]) => [ids[0], ids[1], ids[2], ids[0]]],
      ['a lesson is repeated in place of another', (ids: string[]) => [ids[0], ids[1], ids[1]]],
      ['the list is empty', () => []],
      ['an unknown id is listed', (ids: string[]) => [ids[0], ids[1], randomUUID()]],
      ['an unknown id is added', (ids: string[]) => [...ids, randomUUID()]],
      ['an id is not a UUID', (ids: string[]) => [ids[0], ids[1], 'not-a-uuid']],
    ])('answers 422 when %s, and keeps the order', async (_case, make) => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 3);
      const res = await reorder(teacher, {
        courseId: course.id,
        lessonIds: make(course.lessonIds),
      });
      expectValidationError(res, 'lessonIds');
      expectMatchesOpenApi(res, 'patch', '/api/v1/lessons/reorder');
      expect(await outline(teacher, course.id)).toEqual(initial(3));
    });

    it('answers 422 when a lesson of another course is listed', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 2);
      const other = await courseWithLessons(teacher, 1);
      const res = await reorder(teacher, {
        courseId: course.id,
        lessonIds: [course.lessonIds[1], other.lessonIds[0]],
      });
      expectValidationError(res, 'lessonIds');
      const withAll = await reorder(teacher, {
        courseId: course.id,
        lessonIds: [...course.lessonIds, other.lessonIds[0]],
      });
      expectValidationError(withAll, 'lessonIds');
      expect(await outline(teacher, course.id)).toEqual(initial(2));
      expect(await outline(teacher, other.id)).toEqual([['Lesson 1', 1]]);
    });

    it.each([
      ['courseId is missing', { lessonIds: [] }, 'courseId'],
      ['courseId is not a UUID', { courseId: 'abc', lessonIds: [] }, 'courseId'],
      ['lessonIds is missing', { courseId: randomUUID() }, 'lessonIds'],
      ['lessonIds is not an array', { courseId: randomUUID(), lessonIds: 'x' }, 'lessonIds'],
    ])('answers 422 when %s', async (_case, body, field) => {
      const teacher = await instructor();
      expectValidationError(await reorder(teacher, body), field);
    });

    it('answers 401 to anonymous callers', async () => {
      const course = await courseWithLessons(await instructor(), 2, true);
      const res = await t.http
        .patch(`${API}/lessons/reorder`)
        .send({ courseId: course.id, lessonIds: [...course.lessonIds].reverse() })
        .expect(401);
      expectMatchesOpenApi(res, 'patch', '/api/v1/lessons/reorder');
    });

    it('answers 403 to students and other instructors on a published course', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 2, true);
      for (const user of [student, otherInstructor]) {
        const res = await reorder(user, {
          courseId: course.id,
          lessonIds: [...course.lessonIds].reverse(),
        }).expect(403);
        expectMatchesOpenApi(res, 'patch', '/api/v1/lessons/reorder');
      }
      expect(await outline(teacher, course.id)).toEqual(initial(2));
    });

    it('answers 404 for the draft of another instructor, and for an unknown course', async () => {
      const teacher = await instructor();
      const course = await courseWithLessons(teacher, 2);
      for (const user of [student, otherInstructor]) {
        const res = await reorder(user, {
          courseId: course.id,
          lessonIds: [...course.lessonIds].reverse(),
        }).expect(404);
        expectMatchesOpenApi(res, 'patch', '/api/v1/lessons/reorder');
      }
      await reorder(admin, { courseId: randomUUID(), lessonIds: [] }).expect(404);
      expect(await outline(teacher, course.id)).toEqual(initial(2));
    });
  });
});
