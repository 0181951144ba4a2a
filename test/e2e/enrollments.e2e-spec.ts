import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createCourse, TestCourse } from '../factories/courses.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { createTestApp, TestApp } from '../utils/test-app';
import { expectError, expectValidationError } from '../utils/expectations';
import {
  API,
  EnrollmentBody,
  EnrollmentDetailBody,
  ISO_DATE,
  RosterEntryBody,
  UUID,
} from '../utils/contract';

type Course = TestCourse & { lessonIds: string[] };

interface DomainEventRow {
  id: string;
  type: string;
  data: EnrollmentBody & { lessonId?: string };
}

interface MailContext {
  fullName: string;
  courseTitle: string;
  courseUrl: string;
}

/** The enrollment without its lessons, as list endpoints and events show it. */
function summaryOf(detail: EnrollmentDetailBody): EnrollmentBody {
  const summary: Partial<EnrollmentDetailBody> = { ...detail };
  delete summary.lessons;
  return summary as EnrollmentBody;
}

describe('Enrollments and progress (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let teacher: TestUser;
  let otherTeacher: TestUser;
  let outsider: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    [admin, teacher, otherTeacher, outsider] = await Promise.all([
      createUser(t, 'admin'),
      createUser(t, 'instructor', { fullName: 'Grace Hopper' }),
      createUser(t, 'instructor'),
      createUser(t, 'student'),
    ]);
  });
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  const student = (fullName?: string) => createUser(t, 'student', { fullName });

  const publishedCourse = (lessons = 3, owner: TestUser = teacher): Promise<Course> =>
    createCourse(t, owner, { lessons, publish: true });

  const enroll = (user: TestUser, courseId: string) =>
    t.http
      .post(`${API}/enrollments`)
      .set(...bearer(user))
      .send({ courseId });

  async function enrolled(user: TestUser, courseId: string): Promise<EnrollmentBody> {
    const res = await enroll(user, courseId).expect(201);
    return res.body.data as EnrollmentBody;
  }

  const complete = (user: TestUser, enrollmentId: string, lessonId: string) =>
    t.http
      .post(`${API}/enrollments/${enrollmentId}/lessons/${lessonId}/complete`)
      .set(...bearer(user));

  async function completed(user: TestUser, enrollmentId: string, lessonId: string) {
    const res = await complete(user, enrollmentId, lessonId).expect(200);
    return res.body.data as EnrollmentDetailBody;
  }

  const getEnrollment = (user: TestUser, id: string) =>
    t.http.get(`${API}/enrollments/${id}`).set(...bearer(user));

  const myCourses = (user: TestUser, query = '') =>
    t.http.get(`${API}/enrollments/my-courses${query}`).set(...bearer(user));

  const roster = (user: TestUser, courseId: string, query = '') =>
    t.http.get(`${API}/courses/${courseId}/enrollments${query}`).set(...bearer(user));

  /** Domain events about one enrollment, oldest first. */
  async function eventsOf(enrollmentId: string, type?: string): Promise<DomainEventRow[]> {
    const rows = await t.dataSource.query<Array<{ payload: DomainEventRow }>>(
      `SELECT payload FROM outbox_messages
        WHERE name = 'domain-event' AND payload->'data'->>'id' = $1
          AND ($2::text IS NULL OR payload->>'type' = $2)
        ORDER BY created_at, id`,
      [enrollmentId, type ?? null],
    );
    return rows.map((row) => row.payload);
  }

  async function certificateJobs(enrollmentId: string): Promise<unknown[]> {
    const rows = await t.dataSource.query<Array<{ queue: string; payload: unknown }>>(
      `SELECT queue, payload FROM outbox_messages
        WHERE name = 'issue-certificate' AND payload->>'enrollmentId' = $1`,
      [enrollmentId],
    );
    return rows;
  }

  async function mailsTo(email: string, template: string): Promise<MailContext[]> {
    const rows = await t.dataSource.query<Array<{ payload: { context: MailContext } }>>(
      `SELECT payload FROM outbox_messages
        WHERE name = 'send-email' AND payload->>'to' = $1 AND payload->>'template' = $2`,
      [email, template],
    );
    return rows.map((row) => row.payload.context);
  }

  async function enrollmentRows(studentId: string, courseId: string): Promise<number> {
    const [{ count }] = await t.dataSource.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM enrollments WHERE student_id = $1 AND course_id = $2',
      [studentId, courseId],
    );
    return count;
  }

  describe('POST /enrollments', () => {
    it('creates an active enrollment with 201 and the documented shape', async () => {
      const course = await publishedCourse(3);
      const learner = await student();
      const res = await enroll(learner, course.id).expect(201);

      expectMatchesOpenApi(res, 'post', '/api/v1/enrollments');
      expect(res.body).toMatchObject({ success: true, message: 'OK' });
      expect(res.body.data).toEqual({
        id: expect.stringMatching(UUID),
        studentId: learner.id,
        courseId: course.id,
        course: { id: course.id, title: course.title, slug: course.slug },
        status: 'active',
        enrolledAt: expect.stringMatching(ISO_DATE),
        completedAt: null,
        progressPercentage: 0,
        completedLessons: 0,
        totalLessons: 3,
        certificateId: null,
      });
      expect(Math.abs(Date.parse(res.body.data.enrolledAt) - Date.now())).toBeLessThan(60_000);
      expect(await enrollmentRows(learner.id, course.id)).toBe(1);
    });

    it('answers 200 with the same enrollment when the student is already enrolled', async () => {
      const course = await publishedCourse(2);
      const learner = await student();
      const first = await enrolled(learner, course.id);

      const again = await enroll(learner, course.id).expect(200);
      expectMatchesOpenApi(again, 'post', '/api/v1/enrollments');
      expect(again.body.data).toEqual(first);
      expect(await enrollmentRows(learner.id, course.id)).toBe(1);
    });

    it('keeps the progress of an existing enrollment when the student enrolls again', async () => {
      const course = await publishedCourse(2);
      const learner = await student();
      const first = await enrolled(learner, course.id);
      await completed(learner, first.id, course.lessonIds[0]);

      const again = await enroll(learner, course.id).expect(200);
      expect(again.body.data).toMatchObject({
        id: first.id,
        completedLessons: 1,
        progressPercentage: 50,
        enrolledAt: first.enrolledAt,
      });
    });

    it('creates exactly one enrollment from 8 concurrent identical requests: one 201, seven 200, one id', async () => {
      const course = await publishedCourse(1);
      const learner = await student();

      const responses = await Promise.all(
        Array.from({ length: 8 }, () => enroll(learner, course.id)),
      );

      const statuses = responses.map((res) => res.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
      const ids = new Set(responses.map((res) => (res.body.data as EnrollmentBody).id));
      expect(ids.size).toBe(1);
      expect(await enrollmentRows(learner.id, course.id)).toBe(1);
      const [id] = [...ids];
      expect(await eventsOf(id, 'enrollment.created')).toHaveLength(1);
      expect(await mailsTo(learner.email, 'enrollment-confirmation')).toHaveLength(1);
    });

    it('writes one enrollment.created event carrying the enrollment and queues one confirmation mail', async () => {
      const course = await publishedCourse(2);
      const learner = await student();
      const created = await enrolled(learner, course.id);
      await enroll(learner, course.id).expect(200);

      const events = await eventsOf(created.id);
      expect(events).toEqual([
        {
          id: expect.stringMatching(UUID),
          type: 'enrollment.created',
          timestamp: expect.stringMatching(ISO_DATE),
          data: created,
        },
      ]);
      expect(await mailsTo(learner.email, 'enrollment-confirmation')).toEqual([
        { fullName: learner.fullName, courseTitle: course.title, courseUrl: expect.any(String) },
      ]);
      const [mail] = await mailsTo(learner.email, 'enrollment-confirmation');
      expect(mail.courseUrl).toMatch(new RegExp(`/courses/${course.slug}$`));
    });

    it('answers 404 for a draft course and creates nothing', async () => {
      const draft = await createCourse(t, teacher, { lessons: 1 });
      const learner = await student();
      expectError(await enroll(learner, draft.id), 404, 'NOT_FOUND');
      expect(await enrollmentRows(learner.id, draft.id)).toBe(0);
    });

    it('answers 404 for a course that does not exist', async () => {
      expectError(await enroll(outsider, randomUUID()), 404, 'NOT_FOUND');
    });

    it('answers 404 for a course that was unpublished', async () => {
      const course = await publishedCourse(1);
      await t.http
        .post(`${API}/courses/${course.id}/unpublish`)
        .set(...bearer(teacher))
        .expect(200);
      expectError(await enroll(outsider, course.id), 404, 'NOT_FOUND');
    });

    it('rejects a courseId that is not a UUID with 422', async () => {
      expectValidationError(await enroll(outsider, 'not-a-uuid'), 'courseId');
    });

    it('rejects a missing courseId with 422', async () => {
      const res = await t.http
        .post(`${API}/enrollments`)
        .set(...bearer(outsider))
        .send({});
      expectValidationError(res, 'courseId');
    });

    it('rejects unknown body fields with 422', async () => {
      const course = await publishedCourse(1);
      const learner = await student();
      const res = await t.http
        .post(`${API}/enrollments`)
        .set(...bearer(learner))
        .send({ courseId: course.id, studentId: outsider.id });
      expectValidationError(res, 'studentId');
      expect(await enrollmentRows(learner.id, course.id)).toBe(0);
      expect(await enrollmentRows(outsider.id, course.id)).toBe(0);
    });

    it.each(['instructor', 'admin'] as const)('forbids an %s to enroll (403)', async (role) => {
      const course = await publishedCourse(1);
      const user = role === 'admin' ? admin : otherTeacher;
      expectError(await enroll(user, course.id), 403, 'FORBIDDEN');
      expect(await enrollmentRows(user.id, course.id)).toBe(0);
    });

    it('forbids the course’s own instructor to enroll (403)', async () => {
      const course = await publishedCourse(1);
      expectError(await enroll(teacher, course.id), 403, 'FORBIDDEN');
    });

    it('answers 401 without a token', async () => {
      const course = await publishedCourse(1);
      const res = await t.http.post(`${API}/enrollments`).send({ courseId: course.id });
      expectError(res, 401, 'UNAUTHORIZED');
    });
  });

  describe('GET /enrollments/my-courses', () => {
    let learner: TestUser;
    let courses: Course[];
    let enrollments: EnrollmentBody[];

    beforeAll(async () => {
      learner = await student();
      courses = [];
      for (let i = 0; i < 3; i++) courses.push(await publishedCourse(1));
      enrollments = [];
      for (const course of courses) enrollments.push(await enrolled(learner, course.id));
      // The second one is completed; another student's enrollment must never show up.
      await completed(learner, enrollments[1].id, courses[1].lessonIds[0]);
      await enrolled(outsider, courses[0].id);
    });

    it('lists only the caller’s enrollments, newest first, with course summaries', async () => {
      const res = await myCourses(learner).expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/enrollments/my-courses');
      const data = res.body.data as EnrollmentBody[];
      expect(data.map((e) => e.id)).toEqual([
        enrollments[2].id,
        enrollments[1].id,
        enrollments[0].id,
      ]);
      expect(data.every((e) => e.studentId === learner.id)).toBe(true);
      expect(data[2].course).toEqual({
        id: courses[0].id,
        title: courses[0].title,
        slug: courses[0].slug,
      });
      expect(res.body.meta).toEqual({ page: 1, pageSize: 20, total: 3, totalPages: 1 });
    });

    it('pages with page and pageSize', async () => {
      const first = await myCourses(learner, '?page=1&pageSize=2').expect(200);
      expect((first.body.data as EnrollmentBody[]).map((e) => e.id)).toEqual([
        enrollments[2].id,
        enrollments[1].id,
      ]);
      expect(first.body.meta).toEqual({ page: 1, pageSize: 2, total: 3, totalPages: 2 });

      const second = await myCourses(learner, '?page=2&pageSize=2').expect(200);
      expect((second.body.data as EnrollmentBody[]).map((e) => e.id)).toEqual([enrollments[0].id]);
      expect(second.body.meta).toEqual({ page: 2, pageSize: 2, total: 3, totalPages: 2 });

      const beyond = await myCourses(learner, '?page=3&pageSize=2').expect(200);
      expect(beyond.body.data).toEqual([]);
      expect(beyond.body.meta.total).toBe(3);
    });

    it('filters by status', async () => {
      const done = await myCourses(learner, '?status=completed').expect(200);
      expect(done.body.data).toEqual([
        expect.objectContaining({ id: enrollments[1].id, status: 'completed' }),
      ]);
      expect(done.body.meta.total).toBe(1);

      const active = await myCourses(learner, '?status=active').expect(200);
      expect((active.body.data as EnrollmentBody[]).map((e) => e.id)).toEqual([
        enrollments[2].id,
        enrollments[0].id,
      ]);
      expect(active.body.meta.total).toBe(2);
    });

    it('rejects an unknown status with 422', async () => {
      expectValidationError(await myCourses(learner, '?status=foo'), 'status');
    });

    it.each([
      ['page', '?page=0'],
      ['pageSize', '?pageSize=101'],
    ])('rejects an out-of-range %s with 422', async (field, query) => {
      expectValidationError(await myCourses(learner, query), field);
    });

    it('is an empty page for a user without enrollments', async () => {
      const res = await myCourses(otherTeacher).expect(200);
      expect(res.body.data).toEqual([]);
      expect(res.body.meta).toEqual({ page: 1, pageSize: 20, total: 0, totalPages: 0 });
    });

    it('answers 401 without a token', async () => {
      expectError(await t.http.get(`${API}/enrollments/my-courses`), 401, 'UNAUTHORIZED');
    });
  });

  describe('GET /enrollments/:id', () => {
    let course: Course;
    let learner: TestUser;
    let enrollment: EnrollmentBody;

    beforeAll(async () => {
      course = await publishedCourse(3);
      // Positions differ from creation order: the list must follow positions.
      await t.http
        .patch(`${API}/lessons/reorder`)
        .set(...bearer(teacher))
        .send({ courseId: course.id, lessonIds: [...course.lessonIds].reverse() })
        .expect(200);
      learner = await student();
      enrollment = await enrolled(learner, course.id);
      await completed(learner, enrollment.id, course.lessonIds[1]);
    });

    it('shows the student their enrollment with every lesson ordered by position', async () => {
      const res = await getEnrollment(learner, enrollment.id).expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/enrollments/{id}');
      const body = res.body.data as EnrollmentDetailBody;
      expect(body).toMatchObject({
        id: enrollment.id,
        studentId: learner.id,
        courseId: course.id,
        status: 'active',
        completedLessons: 1,
        totalLessons: 3,
        progressPercentage: 33.33,
      });
      expect(body.lessons).toEqual([
        {
          lessonId: course.lessonIds[2],
          title: 'Lesson 3',
          position: 1,
          completed: false,
          completedAt: null,
          moduleId: null,
          locked: false,
          unlocksAt: null,
          positionSeconds: null,
          timeSpentSeconds: 0,
        },
        {
          lessonId: course.lessonIds[1],
          title: 'Lesson 2',
          position: 2,
          completed: true,
          completedAt: expect.stringMatching(ISO_DATE),
          moduleId: null,
          locked: false,
          unlocksAt: null,
          positionSeconds: null,
          timeSpentSeconds: 0,
        },
        {
          lessonId: course.lessonIds[0],
          title: 'Lesson 1',
          position: 3,
          completed: false,
          completedAt: null,
          moduleId: null,
          locked: false,
          unlocksAt: null,
          positionSeconds: null,
          timeSpentSeconds: 0,
        },
      ]);
    });

    it('shows the enrollment to the course’s instructor', async () => {
      const res = await getEnrollment(teacher, enrollment.id).expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/enrollments/{id}');
      expect(res.body.data).toMatchObject({ id: enrollment.id, completedLessons: 1 });
      expect(res.body.data.lessons).toHaveLength(3);
    });

    it('shows the enrollment to an admin', async () => {
      const res = await getEnrollment(admin, enrollment.id).expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/enrollments/{id}');
      expect(res.body.data).toMatchObject({ id: enrollment.id, studentId: learner.id });
    });

    it('forbids another student (403)', async () => {
      expectError(await getEnrollment(outsider, enrollment.id), 403, 'FORBIDDEN');
    });

    it('forbids another instructor (403)', async () => {
      expectError(await getEnrollment(otherTeacher, enrollment.id), 403, 'FORBIDDEN');
    });

    it('answers 404 for an unknown id', async () => {
      expectError(await getEnrollment(learner, randomUUID()), 404, 'NOT_FOUND');
    });

    it('answers 422 for an id that is not a UUID', async () => {
      expectValidationError(await getEnrollment(learner, 'abc'), 'id');
    });

    it('answers 401 without a token', async () => {
      expectError(await t.http.get(`${API}/enrollments/${enrollment.id}`), 401, 'UNAUTHORIZED');
    });
  });

  describe('POST /enrollments/:id/lessons/:lessonId/complete', () => {
    it('marks a lesson completed for the enrolled student and returns the enrollment with lessons', async () => {
      const course = await publishedCourse(3);
      const learner = await student();
      const enrollment = await enrolled(learner, course.id);

      const res = await complete(learner, enrollment.id, course.lessonIds[0]).expect(200);
      expectMatchesOpenApi(res, 'post', '/api/v1/enrollments/{id}/lessons/{lessonId}/complete');
      const body = res.body.data as EnrollmentDetailBody;
      expect(body).toMatchObject({
        id: enrollment.id,
        status: 'active',
        completedAt: null,
        completedLessons: 1,
        totalLessons: 3,
        progressPercentage: 33.33,
      });
      expect(body.lessons.map((l) => [l.lessonId, l.completed])).toEqual([
        [course.lessonIds[0], true],
        [course.lessonIds[1], false],
        [course.lessonIds[2], false],
      ]);
      expect(Date.parse(body.lessons[0].completedAt ?? '')).toBeGreaterThanOrEqual(
        Date.parse(enrollment.enrolledAt),
      );
    });

    it('is idempotent: completing a lesson twice keeps the counts, the completedAt and one event', async () => {
      const course = await publishedCourse(3);
      const learner = await student();
      const enrollment = await enrolled(learner, course.id);

      const first = await completed(learner, enrollment.id, course.lessonIds[0]);
      const second = await completed(learner, enrollment.id, course.lessonIds[0]);

      expect(second).toEqual(first);
      expect(second.completedLessons).toBe(1);
      expect(second.progressPercentage).toBe(33.33);
      expect(await eventsOf(enrollment.id, 'lesson.completed')).toHaveLength(1);
    });

    it('records 8 concurrent completions of the same lesson once: all 200, one lesson.completed', async () => {
      const course = await publishedCourse(2);
      const learner = await student();
      const enrollment = await enrolled(learner, course.id);

      const responses = await Promise.all(
        Array.from({ length: 8 }, () => complete(learner, enrollment.id, course.lessonIds[0])),
      );

      expect(responses.map((res) => res.status)).toEqual(Array(8).fill(200));
      const bodies = responses.map((res) => res.body.data as EnrollmentDetailBody);
      expect(new Set(bodies.map((b) => b.lessons[0].completedAt)).size).toBe(1);
      expect(bodies.every((b) => b.completedLessons === 1 && b.progressPercentage === 50)).toBe(
        true,
      );
      expect(await eventsOf(enrollment.id, 'lesson.completed')).toHaveLength(1);
    });

    it('completes the enrollment once when the last two lessons are completed concurrently', async () => {
      const course = await publishedCourse(3);
      const learner = await student();
      const enrollment = await enrolled(learner, course.id);
      await completed(learner, enrollment.id, course.lessonIds[0]);

      const responses = await Promise.all(
        [1, 2, 1, 2, 1, 2].map((i) => complete(learner, enrollment.id, course.lessonIds[i])),
      );

      expect(responses.map((res) => res.status)).toEqual(Array(6).fill(200));
      const read = await getEnrollment(learner, enrollment.id).expect(200);
      expect(read.body.data).toMatchObject({
        status: 'completed',
        progressPercentage: 100,
        completedLessons: 3,
      });
      expect(await eventsOf(enrollment.id, 'lesson.completed')).toHaveLength(3);
      expect(await eventsOf(enrollment.id, 'enrollment.completed')).toHaveLength(1);
      expect(await certificateJobs(enrollment.id)).toHaveLength(1);
    });

    it('counts 1 of 3 as 33.33, 2 of 3 as 66.67 and 3 of 3 as 100 and completes the enrollment', async () => {
      const course = await publishedCourse(3);
      const learner = await student();
      const enrollment = await enrolled(learner, course.id);

      const one = await completed(learner, enrollment.id, course.lessonIds[0]);
      expect(one).toMatchObject({ progressPercentage: 33.33, completedLessons: 1 });
      expect(one).toMatchObject({ status: 'active', completedAt: null });

      const two = await completed(learner, enrollment.id, course.lessonIds[1]);
      expect(two).toMatchObject({ progressPercentage: 66.67, completedLessons: 2 });
      expect(two).toMatchObject({ status: 'active', completedAt: null });

      const before = Date.now();
      const three = await completed(learner, enrollment.id, course.lessonIds[2]);
      expect(three).toMatchObject({
        progressPercentage: 100,
        completedLessons: 3,
        totalLessons: 3,
        status: 'completed',
        completedAt: expect.stringMatching(ISO_DATE),
      });
      expect(Math.abs(Date.parse(three.completedAt ?? '') - before)).toBeLessThan(60_000);
      expect(three.lessons.every((l) => l.completed && l.completedAt !== null)).toBe(true);

      const read = await getEnrollment(learner, enrollment.id).expect(200);
      expect(read.body.data).toEqual(three);
    });

    it('writes lesson.completed once per new completion, enrollment.completed once, and queues one certificate', async () => {
      const course = await publishedCourse(3);
      const learner = await student('Ada Learner');
      const enrollment = await enrolled(learner, course.id);

      await completed(learner, enrollment.id, course.lessonIds[0]);
      await completed(learner, enrollment.id, course.lessonIds[0]);
      await completed(learner, enrollment.id, course.lessonIds[1]);
      const done = await completed(learner, enrollment.id, course.lessonIds[2]);
      // Completing again after the course is done changes nothing.
      const after = await completed(learner, enrollment.id, course.lessonIds[2]);
      expect(after).toEqual(done);

      const lessonEvents = await eventsOf(enrollment.id, 'lesson.completed');
      expect(lessonEvents.map((e) => e.data.lessonId)).toEqual(course.lessonIds);
      expect(lessonEvents.map((e) => e.data.progressPercentage)).toEqual([33.33, 66.67, 100]);

      const completedEvents = await eventsOf(enrollment.id, 'enrollment.completed');
      expect(completedEvents).toHaveLength(1);
      expect(completedEvents[0].data).toMatchObject({
        id: enrollment.id,
        studentId: learner.id,
        status: 'completed',
        progressPercentage: 100,
        completedLessons: 3,
        totalLessons: 3,
        completedAt: done.completedAt,
      });

      expect(await certificateJobs(enrollment.id)).toEqual([
        { queue: 'certificates', payload: { enrollmentId: enrollment.id } },
      ]);
      expect(await mailsTo(learner.email, 'course-completed')).toEqual([
        {
          fullName: 'Ada Learner',
          courseTitle: course.title,
          courseUrl: expect.stringMatching(new RegExp(`/courses/${course.slug}$`)),
        },
      ]);
    });

    it('answers 404 for a lesson of another course and records nothing', async () => {
      const course = await publishedCourse(2);
      const other = await publishedCourse(1);
      const learner = await student();
      const enrollment = await enrolled(learner, course.id);

      const res = await complete(learner, enrollment.id, other.lessonIds[0]);
      expectError(res, 404, 'NOT_FOUND');
      const read = await getEnrollment(learner, enrollment.id).expect(200);
      expect(read.body.data).toMatchObject({ completedLessons: 0, progressPercentage: 0 });
      expect(await eventsOf(enrollment.id, 'lesson.completed')).toHaveLength(0);
    });

    it('answers 404 for an unknown lesson', async () => {
      const course = await publishedCourse(1);
      const learner = await student();
      const enrollment = await enrolled(learner, course.id);
      expectError(await complete(learner, enrollment.id, randomUUID()), 404, 'NOT_FOUND');
    });

    it('answers 404 for an unknown enrollment', async () => {
      const course = await publishedCourse(1);
      expectError(await complete(outsider, randomUUID(), course.lessonIds[0]), 404, 'NOT_FOUND');
    });

    it('answers 422 when the lesson id is not a UUID', async () => {
      const course = await publishedCourse(1);
      const learner = await student();
      const enrollment = await enrolled(learner, course.id);
      expectValidationError(await complete(learner, enrollment.id, 'lesson-1'), 'lessonId');
    });

    it.each([
      ['another student', () => outsider],
      ['the course’s instructor', () => teacher],
      ['an admin', () => admin],
    ])('forbids %s (403) and records nothing', async (_who, caller) => {
      const course = await publishedCourse(2);
      const learner = await student();
      const enrollment = await enrolled(learner, course.id);

      expectError(await complete(caller(), enrollment.id, course.lessonIds[0]), 403, 'FORBIDDEN');
      const read = await getEnrollment(learner, enrollment.id).expect(200);
      expect(read.body.data).toMatchObject({ completedLessons: 0, progressPercentage: 0 });
      expect(read.body.data.lessons[0]).toMatchObject({ completed: false, completedAt: null });
    });

    it('answers 401 without a token', async () => {
      const course = await publishedCourse(1);
      const learner = await student();
      const enrollment = await enrolled(learner, course.id);
      const res = await t.http.post(
        `${API}/enrollments/${enrollment.id}/lessons/${course.lessonIds[0]}/complete`,
      );
      expectError(res, 401, 'UNAUTHORIZED');
    });
  });

  describe('lesson access through enrollment', () => {
    it('lets a student read a non-preview lesson in full only after enrolling', async () => {
      const course = await publishedCourse(2);
      const learner = await student();
      const lessonUrl = `${API}/lessons/${course.lessonIds[1]}`;

      expectError(await t.http.get(lessonUrl).set(...bearer(learner)), 403, 'FORBIDDEN');

      await enrolled(learner, course.id);
      const res = await t.http
        .get(lessonUrl)
        .set(...bearer(learner))
        .expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/lessons/{id}');
      expect(res.body.data).toMatchObject({
        id: course.lessonIds[1],
        courseId: course.id,
        isPreview: false,
        content: 'Body of lesson 2',
      });

      // Enrolling one student opens nothing for another.
      expectError(await t.http.get(lessonUrl).set(...bearer(outsider)), 403, 'FORBIDDEN');
    });
  });

  describe('progress when lessons are added or removed', () => {
    const addLesson = async (course: Course): Promise<string> => {
      const res = await t.http
        .post(`${API}/courses/${course.id}/lessons`)
        .set(...bearer(teacher))
        .send({ title: 'Added later', contentType: 'text', content: 'More' })
        .expect(201);
      return res.body.data.id as string;
    };

    const deleteLesson = (lessonId: string) =>
      t.http
        .delete(`${API}/lessons/${lessonId}`)
        .set(...bearer(teacher))
        .expect(204);

    const read = async (user: TestUser, id: string): Promise<EnrollmentDetailBody> =>
      (await getEnrollment(user, id).expect(200)).body.data as EnrollmentDetailBody;

    it('lowers the percentage of active enrollments when a lesson is added', async () => {
      const course = await publishedCourse(2);
      const learner = await student();
      const enrollment = await enrolled(learner, course.id);
      expect(await completed(learner, enrollment.id, course.lessonIds[0])).toMatchObject({
        progressPercentage: 50,
      });

      const added = await addLesson(course);

      const after = await read(learner, enrollment.id);
      expect(after).toMatchObject({
        status: 'active',
        progressPercentage: 33.33,
        completedLessons: 1,
        totalLessons: 3,
        completedAt: null,
      });
      expect(after.lessons.map((l) => l.lessonId)).toEqual([...course.lessonIds, added]);

      // Completing the rest still works out to 66.67 and then 100.
      expect(await completed(learner, enrollment.id, course.lessonIds[1])).toMatchObject({
        progressPercentage: 66.67,
        status: 'active',
      });
      expect(await completed(learner, enrollment.id, added)).toMatchObject({
        progressPercentage: 100,
        status: 'completed',
      });
    });

    it('never un-completes a completed enrollment when a lesson is added', async () => {
      const course = await publishedCourse(2);
      const learner = await student();
      const enrollment = await enrolled(learner, course.id);
      await completed(learner, enrollment.id, course.lessonIds[0]);
      const done = await completed(learner, enrollment.id, course.lessonIds[1]);
      expect(done.status).toBe('completed');

      const added = await addLesson(course);

      const after = await read(learner, enrollment.id);
      expect(after).toMatchObject({
        status: 'completed',
        progressPercentage: 100,
        completedAt: done.completedAt,
        completedLessons: 2,
        totalLessons: 3,
      });
      // Finishing the new lesson later neither changes that nor completes it a second time.
      expect(await completed(learner, enrollment.id, added)).toMatchObject({
        status: 'completed',
        progressPercentage: 100,
        completedAt: done.completedAt,
        completedLessons: 3,
      });
      expect(await eventsOf(enrollment.id, 'enrollment.completed')).toHaveLength(1);
      expect(await certificateJobs(enrollment.id)).toHaveLength(1);
    });

    it('completes an active enrollment when its only undone lesson is deleted, with the completion side effects', async () => {
      const course = await publishedCourse(2);
      const learner = await student();
      const enrollment = await enrolled(learner, course.id);
      await completed(learner, enrollment.id, course.lessonIds[0]);
      // Another student who has done nothing stays active at 0 of 1.
      const idle = await student();
      const idleEnrollment = await enrolled(idle, course.id);

      await deleteLesson(course.lessonIds[1]);

      const after = await read(learner, enrollment.id);
      expect(after).toMatchObject({
        status: 'completed',
        progressPercentage: 100,
        completedLessons: 1,
        totalLessons: 1,
        completedAt: expect.stringMatching(ISO_DATE),
      });
      expect(after.lessons.map((l) => l.lessonId)).toEqual([course.lessonIds[0]]);

      const events = await eventsOf(enrollment.id, 'enrollment.completed');
      expect(events).toHaveLength(1);
      expect(events[0].data).toEqual(summaryOf(after));
      expect(await certificateJobs(enrollment.id)).toHaveLength(1);
      expect(await mailsTo(learner.email, 'course-completed')).toHaveLength(1);

      expect(await read(idle, idleEnrollment.id)).toMatchObject({
        status: 'active',
        progressPercentage: 0,
        completedLessons: 0,
        totalLessons: 1,
      });
      expect(await eventsOf(idleEnrollment.id, 'enrollment.completed')).toHaveLength(0);
    });

    it('recounts an active enrollment when one of its completed lessons is deleted', async () => {
      const course = await publishedCourse(3);
      const learner = await student();
      const enrollment = await enrolled(learner, course.id);
      await completed(learner, enrollment.id, course.lessonIds[0]);
      await completed(learner, enrollment.id, course.lessonIds[1]);

      await deleteLesson(course.lessonIds[0]);

      expect(await read(learner, enrollment.id)).toMatchObject({
        status: 'active',
        progressPercentage: 50,
        completedLessons: 1,
        totalLessons: 2,
      });
    });
  });

  describe('GET /courses/:id/enrollments', () => {
    let course: Course;
    let learners: TestUser[];
    let enrollments: EnrollmentBody[];

    beforeAll(async () => {
      course = await publishedCourse(1);
      learners = [await student('Roster One'), await student('Roster Two'), await student()];
      enrollments = [];
      for (const learner of learners) enrollments.push(await enrolled(learner, course.id));
      await completed(learners[0], enrollments[0].id, course.lessonIds[0]);
      // An enrollment in another course of the same instructor must not show up.
      await enrolled(outsider, (await publishedCourse(1)).id);
    });

    it('shows the course’s instructor every enrollment, newest first, with the student contact', async () => {
      const res = await roster(teacher, course.id).expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/courses/{id}/enrollments');
      const data = res.body.data as RosterEntryBody[];
      expect(data.map((e) => e.id)).toEqual([...enrollments].reverse().map((e) => e.id));
      expect(data.every((e) => e.courseId === course.id)).toBe(true);
      expect(data[2]).toMatchObject({
        id: enrollments[0].id,
        status: 'completed',
        progressPercentage: 100,
        student: { id: learners[0].id, fullName: 'Roster One', email: learners[0].email },
      });
      expect(data[1].student).toEqual({
        id: learners[1].id,
        fullName: 'Roster Two',
        email: learners[1].email,
      });
      expect(res.body.meta).toEqual({ page: 1, pageSize: 20, total: 3, totalPages: 1 });
    });

    it('shows the roster to an admin', async () => {
      const res = await roster(admin, course.id).expect(200);
      expectMatchesOpenApi(res, 'get', '/api/v1/courses/{id}/enrollments');
      expect(res.body.meta.total).toBe(3);
    });

    it('filters by status', async () => {
      const done = await roster(teacher, course.id, '?status=completed').expect(200);
      expect((done.body.data as RosterEntryBody[]).map((e) => e.id)).toEqual([enrollments[0].id]);
      expect(done.body.meta.total).toBe(1);

      const active = await roster(teacher, course.id, '?status=active').expect(200);
      expect((active.body.data as RosterEntryBody[]).map((e) => e.id)).toEqual([
        enrollments[2].id,
        enrollments[1].id,
      ]);
      expect(active.body.meta.total).toBe(2);

      expectValidationError(await roster(teacher, course.id, '?status=done'), 'status');
    });

    it('pages with page and pageSize', async () => {
      const res = await roster(teacher, course.id, '?page=2&pageSize=2').expect(200);
      expect((res.body.data as RosterEntryBody[]).map((e) => e.id)).toEqual([enrollments[0].id]);
      expect(res.body.meta).toEqual({ page: 2, pageSize: 2, total: 3, totalPages: 2 });
    });

    it('forbids another instructor (403)', async () => {
      expectError(await roster(otherTeacher, course.id), 403, 'FORBIDDEN');
    });

    it('forbids a student, even an enrolled one (403)', async () => {
      expectError(await roster(learners[0], course.id), 403, 'FORBIDDEN');
    });

    it('hides a draft of another instructor (404) but shows its owner an empty roster', async () => {
      const draft = await createCourse(t, teacher, { lessons: 1 });
      expectError(await roster(otherTeacher, draft.id), 404, 'NOT_FOUND');
      const own = await roster(teacher, draft.id).expect(200);
      expect(own.body.data).toEqual([]);
      expect(own.body.meta.total).toBe(0);
    });

    it('answers 404 for an unknown course and 422 for a non-UUID id', async () => {
      expectError(await roster(teacher, randomUUID()), 404, 'NOT_FOUND');
      expectValidationError(await roster(teacher, 'nope'), 'id');
    });

    it('answers 401 without a token', async () => {
      expectError(await t.http.get(`${API}/courses/${course.id}/enrollments`), 401, 'UNAUTHORIZED');
    });
  });

  describe('deleting a course', () => {
    it('removes its enrollments and their progress', async () => {
      const course = await publishedCourse(2);
      const learner = await student();
      const enrollment = await enrolled(learner, course.id);
      await completed(learner, enrollment.id, course.lessonIds[0]);

      await t.http
        .delete(`${API}/courses/${course.id}`)
        .set(...bearer(teacher))
        .expect(204);

      expectError(await getEnrollment(learner, enrollment.id), 404, 'NOT_FOUND');
      expectError(await getEnrollment(admin, enrollment.id), 404, 'NOT_FOUND');
      const mine = await myCourses(learner).expect(200);
      expect(mine.body.data).toEqual([]);
      const [{ count }] = await t.dataSource.query<Array<{ count: number }>>(
        'SELECT count(*)::int AS count FROM lesson_progress WHERE enrollment_id = $1',
        [enrollment.id],
      );
      expect(count).toBe(0);
    });
  });
});
