import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Response } from 'supertest';
import { Clock } from '../../src/common/time/clock';
import { createCourse } from '../factories/courses.factory';
import { enroll } from '../factories/enrollments.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { API, UNKNOWN_ID } from '../utils/contract';
import type { components } from '../utils/contract';
import { expectError, expectValidationError } from '../utils/expectations';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { createTestApp, TestApp } from '../utils/test-app';

type AssignmentBody = components['schemas']['AssignmentResponse'];
type SubmissionBody = components['schemas']['SubmissionResponse'];
type Course = { id: string; lessonIds: string[] };

const RUBRIC = [
  { criterion: 'Clarity', points: 40, description: 'Reads well' },
  { criterion: 'Correctness', points: 60 },
];

describe('Assignments, submissions and grading (e2e)', () => {
  let t: TestApp;
  let teacher: TestUser;
  let otherTeacher: TestUser;
  let admin: TestUser;
  let course: Course;

  beforeAll(async () => {
    // Jobs wait in the outbox: the events of each change can be counted there.
    t = await createTestApp({ JOBS_INLINE: 'false' });
    [teacher, otherTeacher, admin] = await Promise.all([
      createUser(t, 'instructor'),
      createUser(t, 'instructor'),
      createUser(t, 'admin'),
    ]);
    course = await createCourse(t, teacher, { lessons: 3, publish: true });
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await t?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  const clockAt = (date: Date) => jest.spyOn(Clock.prototype, 'now').mockReturnValue(date);
  const data = <T>(res: Response): T => (res.body as { data: T }).data;
  const noServerError = (res: Response) => expect(res.status).toBeLessThan(500);

  async function createAssignment(
    body: Record<string, unknown> = {},
    options: { publish?: boolean; courseId?: string } = {},
  ): Promise<AssignmentBody> {
    const res = await t.http
      .post(`${API}/courses/${options.courseId ?? course.id}/assignments`)
      .set(...bearer(teacher))
      .send({ title: 'Essay', submissionTypes: ['text'], ...body });
    expect(res.status).toBe(201);
    expectMatchesOpenApi(res, 'post', '/api/v1/courses/{id}/assignments');
    const assignment = data<AssignmentBody>(res);
    if (options.publish ?? true) {
      await t.http
        .post(`${API}/assignments/${assignment.id}/publish`)
        .set(...bearer(teacher))
        .expect(200);
    }
    return assignment;
  }

  async function student(courseId = course.id): Promise<{ user: TestUser; enrollmentId: string }> {
    const user = await createUser(t, 'student');
    return { user, enrollmentId: (await enroll(t, user, courseId)).id };
  }

  const submit = (user: TestUser, assignmentId: string, body: Record<string, unknown>) =>
    t.http
      .post(`${API}/assignments/${assignmentId}/submissions`)
      .set(...bearer(user))
      .send(body);

  async function submitted(
    user: TestUser,
    assignmentId: string,
    body: Record<string, unknown> = { text: 'My answer' },
  ) {
    const res = await submit(user, assignmentId, body);
    expect(res.status).toBe(201);
    expectMatchesOpenApi(res, 'post', '/api/v1/assignments/{id}/submissions');
    return data<SubmissionBody>(res);
  }

  const grade = (user: TestUser, submissionId: string, body: Record<string, unknown>) =>
    t.http
      .post(`${API}/submissions/${submissionId}/grade`)
      .set(...bearer(user))
      .send(body);

  async function eventsOf(type: string, resourceId: string): Promise<unknown[]> {
    const rows = await t.dataSource.query<Array<{ payload: { data: unknown } }>>(
      `SELECT payload FROM outbox_messages
        WHERE name = 'domain-event' AND payload->>'type' = $1 AND payload->'data'->>'id' = $2`,
      [type, resourceId],
    );
    return rows.map((row) => row.payload.data);
  }

  describe('authoring', () => {
    it('creates unpublished with the defaults, changes, publishes (idempotent) and deletes', async () => {
      const created = await createAssignment({ instructions: 'Write' }, { publish: false });
      expect(created).toMatchObject({
        courseId: course.id,
        lessonId: null,
        title: 'Essay',
        instructions: 'Write',
        dueAt: null,
        maxPoints: 100,
        passingScorePercentage: 60,
        submissionTypes: ['text'],
        allowLateSubmissions: true,
        latePenaltyPercent: 0,
        allowResubmission: true,
        rubric: null,
        isPublished: false,
      });

      const s = await student();
      // Unpublished: 404 to students, listed for the owner only.
      expectError(
        await t.http.get(`${API}/assignments/${created.id}`).set(...bearer(s.user)),
        404,
        'NOT_FOUND',
      );
      expectError(await submit(s.user, created.id, { text: 'x' }), 404, 'NOT_FOUND');
      const hidden = await t.http
        .get(`${API}/courses/${course.id}/assignments`)
        .set(...bearer(s.user));
      expect(data<AssignmentBody[]>(hidden).map((a) => a.id)).not.toContain(created.id);
      const owned = await t.http
        .get(`${API}/courses/${course.id}/assignments`)
        .set(...bearer(teacher));
      expectMatchesOpenApi(owned, 'get', '/api/v1/courses/{id}/assignments');
      expect(data<AssignmentBody[]>(owned).map((a) => a.id)).toContain(created.id);

      const patched = await t.http
        .patch(`${API}/assignments/${created.id}`)
        .set(...bearer(teacher))
        .send({
          title: 'Renamed',
          dueAt: '2030-01-01T00:00:00.000Z',
          lessonId: course.lessonIds[0],
        });
      expect(patched.status).toBe(200);
      expectMatchesOpenApi(patched, 'patch', '/api/v1/assignments/{id}');
      expect(data<AssignmentBody>(patched)).toMatchObject({
        title: 'Renamed',
        dueAt: '2030-01-01T00:00:00.000Z',
        lessonId: course.lessonIds[0],
      });
      await t.http
        .patch(`${API}/assignments/${created.id}`)
        .set(...bearer(teacher))
        .send({ lessonId: null })
        .expect(200);

      for (let i = 0; i < 2; i++) {
        const published = await t.http
          .post(`${API}/assignments/${created.id}/publish`)
          .set(...bearer(teacher));
        expect(published.status).toBe(200);
        expectMatchesOpenApi(published, 'post', '/api/v1/assignments/{id}/publish');
        expect(data<AssignmentBody>(published).isPublished).toBe(true);
      }
      const seen = await t.http.get(`${API}/assignments/${created.id}`).set(...bearer(s.user));
      expect(seen.status).toBe(200);
      expectMatchesOpenApi(seen, 'get', '/api/v1/assignments/{id}');

      await submitted(s.user, created.id);
      expectError(
        await t.http.delete(`${API}/assignments/${created.id}`).set(...bearer(otherTeacher)),
        403,
        'FORBIDDEN',
      );
      expectError(
        await t.http
          .patch(`${API}/assignments/${created.id}`)
          .set(...bearer(s.user))
          .send({}),
        403,
        'FORBIDDEN',
      );
      await t.http
        .delete(`${API}/assignments/${created.id}`)
        .set(...bearer(admin))
        .expect(204);
      const [{ count }] = await t.dataSource.query<Array<{ count: number }>>(
        `SELECT count(*)::int AS count FROM submissions WHERE assignment_id = $1`,
        [created.id],
      );
      expect(count).toBe(0);
      expectError(
        await t.http.get(`${API}/assignments/${created.id}`).set(...bearer(teacher)),
        404,
        'NOT_FOUND',
      );
    });

    it('refuses rubrics that do not add up to maxPoints, or of 0 or 21 criteria, and bad fields (422)', async () => {
      expect((await createAssignment({ rubric: RUBRIC }, { publish: false })).rubric).toEqual([
        { criterion: 'Clarity', points: 40, description: 'Reads well' },
        { criterion: 'Correctness', points: 60, description: null },
      ]);
      const post = (body: Record<string, unknown>) =>
        t.http
          .post(`${API}/courses/${course.id}/assignments`)
          .set(...bearer(teacher))
          .send({ title: 'R', submissionTypes: ['text'], ...body });
      expectValidationError(await post({ rubric: [{ criterion: 'A', points: 50 }] }), 'rubric');
      expectValidationError(await post({ rubric: [] }), 'rubric');
      const many = Array.from({ length: 21 }, (_, i) => ({ criterion: `C${i}`, points: 5 }));
      expectValidationError(await post({ maxPoints: 105, rubric: many }), 'rubric');
      expectValidationError(await post({ submissionTypes: [] }), 'submissionTypes');
      expectValidationError(await post({ submissionTypes: ['video'] }), 'submissionTypes');
      expectValidationError(await post({ maxPoints: 1001 }), 'maxPoints');
      expectValidationError(await post({ latePenaltyPercent: 101 }), 'latePenaltyPercent');
      const other = await createCourse(t, teacher, { lessons: 1 });
      expectValidationError(await post({ lessonId: other.lessonIds[0] }), 'lessonId');

      const withRubric = await createAssignment({ rubric: RUBRIC }, { publish: false });
      // maxPoints alone would break the rubric's sum.
      expectValidationError(
        await t.http
          .patch(`${API}/assignments/${withRubric.id}`)
          .set(...bearer(teacher))
          .send({ maxPoints: 50 }),
        'rubric',
      );
    });
  });

  describe('submitting', () => {
    it('takes only what submissionTypes allows, and the student’s own files (404 otherwise)', async () => {
      const textOnly = await createAssignment({ submissionTypes: ['text'] });
      const fileOnly = await createAssignment({ submissionTypes: ['file'] });
      const s = await student();
      const other = await student();
      const upload = async (user: TestUser) =>
        data<{ id: string }>(
          await t.http
            .post(`${API}/files/upload`)
            .set(...bearer(user))
            .attach('file', Buffer.from('hello'), { filename: 'answer.txt' })
            .expect(201),
        ).id;
      const mine = await upload(s.user);
      const theirs = await upload(other.user);

      expectValidationError(await submit(s.user, textOnly.id, {}), 'text');
      expectValidationError(await submit(s.user, textOnly.id, { fileIds: [mine] }), 'fileIds');
      expectValidationError(await submit(s.user, fileOnly.id, { text: 'x' }), 'text');
      expectValidationError(await submit(s.user, fileOnly.id, { fileIds: [] }), 'fileIds');
      expectError(await submit(s.user, fileOnly.id, { fileIds: [theirs] }), 404, 'NOT_FOUND');
      expectError(await submit(s.user, fileOnly.id, { fileIds: [UNKNOWN_ID] }), 404, 'NOT_FOUND');

      const withFile = await submitted(s.user, fileOnly.id, { fileIds: [mine] });
      expect(withFile).toMatchObject({
        assignmentId: fileOnly.id,
        studentId: s.user.id,
        student: { id: s.user.id, fullName: s.user.fullName },
        version: 1,
        text: null,
        files: [{ id: mine, originalFilename: 'answer.txt', fileSize: 5 }],
        late: false,
        status: 'submitted',
        grade: null,
      });
      expect((await eventsOf('assignment.submitted', withFile.id)).length).toBe(1);

      // Its files: to the student and the course owner; others 403; files not attached 404.
      const download = (user: TestUser, fileId: string) =>
        t.http
          .get(`${API}/submissions/${withFile.id}/files/${fileId}/download`)
          .set(...bearer(user))
          .buffer(true)
          .parse((res, done) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => done(null, Buffer.concat(chunks)));
          });
      for (const reader of [s.user, teacher]) {
        const res = await download(reader, mine);
        expect(res.status).toBe(200);
        expect((res.body as Buffer).toString()).toBe('hello');
      }
      expectError(
        await t.http
          .get(`${API}/submissions/${withFile.id}/files/${mine}/download`)
          .set(...bearer(other.user)),
        403,
        'FORBIDDEN',
      );
      expectError(
        await t.http
          .get(`${API}/submissions/${withFile.id}/files/${theirs}/download`)
          .set(...bearer(teacher)),
        404,
        'NOT_FOUND',
      );

      // An attached file stays; an unattached one can still be deleted.
      expectError(
        await t.http.delete(`${API}/files/${mine}`).set(...bearer(s.user)),
        409,
        'CONFLICT',
      );
      await t.http
        .delete(`${API}/files/${theirs}`)
        .set(...bearer(other.user))
        .expect(204);

      // Not enrolled, or not a student: 403.
      const outsider = await createUser(t, 'student');
      expectError(await submit(outsider, textOnly.id, { text: 'x' }), 403, 'FORBIDDEN');
      expectError(await submit(teacher, textOnly.id, { text: 'x' }), 403, 'FORBIDDEN');
    });

    it('marks submissions after dueAt late, and refuses them with ASSIGNMENT_CLOSED when late ones are not allowed', async () => {
      const dueAt = '2031-06-01T12:00:00.000Z';
      const lenient = await createAssignment({ dueAt });
      const strict = await createAssignment({ dueAt, allowLateSubmissions: false });
      const s = await student();
      clockAt(new Date('2031-06-01T11:59:59.000Z'));
      expect((await submitted(s.user, strict.id)).late).toBe(false);
      clockAt(new Date('2031-06-01T12:00:01.000Z'));
      expect((await submitted(s.user, lenient.id)).late).toBe(true);
      expectError(await submit(s.user, strict.id, { text: 'again' }), 409, 'ASSIGNMENT_CLOSED');
    });

    it('numbers versions, lists own history, and refuses a resubmission when not allowed (ALREADY_SUBMITTED)', async () => {
      const open = await createAssignment();
      const once = await createAssignment({ allowResubmission: false });
      const s = await student();
      const other = await student();
      expect((await submitted(s.user, open.id)).version).toBe(1);
      const v1 = await submitted(other.user, open.id);
      await grade(teacher, v1.id, { score: 50 }).expect(200);
      expect((await submitted(s.user, open.id, { text: 'second' })).version).toBe(2);
      // A submit after grading starts a new, ungraded version.
      const v2 = await submitted(other.user, open.id);
      expect(v2).toMatchObject({ version: 2, status: 'submitted', grade: null });

      await submitted(s.user, once.id);
      expectError(await submit(s.user, once.id, { text: 'again' }), 409, 'ALREADY_SUBMITTED');

      const history = await t.http
        .get(`${API}/assignments/${open.id}/submissions`)
        .set(...bearer(s.user));
      expect(history.status).toBe(200);
      expectMatchesOpenApi(history, 'get', '/api/v1/assignments/{id}/submissions');
      expect(data<SubmissionBody[]>(history).map((x) => x.version)).toEqual([2, 1]);
      expect(history.body.meta).toMatchObject({ total: 2, page: 1 });
      expectError(
        await t.http
          .get(`${API}/assignments/${open.id}/submissions?studentId=${other.user.id}`)
          .set(...bearer(s.user)),
        403,
        'FORBIDDEN',
      );

      const latest = await t.http
        .get(`${API}/assignments/${open.id}/submissions?pageSize=10`)
        .set(...bearer(teacher));
      expect(
        data<SubmissionBody[]>(latest)
          .map((x) => [x.studentId, x.version])
          .sort(),
      ).toEqual(
        [
          [s.user.id, 2],
          [other.user.id, 2],
        ].sort(),
      );
      const one = await t.http
        .get(
          `${API}/assignments/${open.id}/submissions?studentId=${other.user.id}&status=submitted`,
        )
        .set(...bearer(teacher));
      expect(data<SubmissionBody[]>(one).map((x) => x.id)).toEqual([v2.id]);
      const graded = await t.http
        .get(`${API}/assignments/${open.id}/submissions?status=graded`)
        .set(...bearer(teacher));
      // The graded version is not the latest one any more.
      expect(data<SubmissionBody[]>(graded)).toEqual([]);

      const read = await t.http.get(`${API}/submissions/${v2.id}`).set(...bearer(other.user));
      expect(read.status).toBe(200);
      expectMatchesOpenApi(read, 'get', '/api/v1/submissions/{id}');
      expectError(
        await t.http.get(`${API}/submissions/${v2.id}`).set(...bearer(s.user)),
        403,
        'FORBIDDEN',
      );
      expectError(
        await t.http.get(`${API}/submissions/${UNKNOWN_ID}`).set(...bearer(admin)),
        404,
        'NOT_FOUND',
      );
    });

    it('parallel submits of one student get distinct versions', async () => {
      const open = await createAssignment();
      const s = await student();
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, i) => submit(s.user, open.id, { text: `v${i}` })),
      );
      results.forEach(noServerError);
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      expect(results.map((r) => data<SubmissionBody>(r).version).sort()).toEqual([1, 2, 3, 4]);
    });

    it('a file deleted while it is being submitted ends either attached or deleted, never both', async () => {
      const fileOnly = await createAssignment({ submissionTypes: ['file'] });
      const s = await student();
      for (let round = 0; round < 8; round++) {
        const upload = await t.http
          .post(`${API}/files/upload`)
          .set(...bearer(s.user))
          .attach('file', Buffer.from(`round ${round}`), { filename: 'answer.txt' })
          .expect(201);
        const fileId = data<{ id: string }>(upload).id;
        const [submission, removal] = await Promise.all([
          submit(s.user, fileOnly.id, { fileIds: [fileId] }),
          t.http.delete(`${API}/files/${fileId}`).set(...bearer(s.user)),
        ]);
        const outcome = `${submission.status}/${removal.status}`;
        expect(['201/409', '404/204']).toContain(outcome);
        const [row] = await t.dataSource.query<Array<{ count: number }>>(
          'SELECT count(*)::int AS count FROM files WHERE id = $1',
          [fileId],
        );
        expect(row.count).toBe(outcome === '201/409' ? 1 : 0);
      }
    });

    it('refuses a submission to an assignment of a locked lesson (LESSON_LOCKED)', async () => {
      const locked = await createCourse(t, teacher, {});
      const createModule = async (body: Record<string, unknown>) =>
        data<{ id: string }>(
          await t.http
            .post(`${API}/courses/${locked.id}/modules`)
            .set(...bearer(teacher))
            .send({ title: `Module ${randomUUID().slice(0, 4)}`, ...body })
            .expect(201),
        ).id;
      const first = await createModule({});
      const second = await createModule({ prerequisiteModuleIds: [first] });
      const addLesson = async (moduleId: string) =>
        data<{ id: string }>(
          await t.http
            .post(`${API}/courses/${locked.id}/lessons`)
            .set(...bearer(teacher))
            .send({ title: 'L', contentType: 'text', content: 'Body', moduleId })
            .expect(201),
        ).id;
      await addLesson(first);
      const lockedLesson = await addLesson(second);
      await t.http
        .post(`${API}/courses/${locked.id}/publish`)
        .set(...bearer(teacher))
        .expect(200);
      const assignment = await createAssignment(
        { lessonId: lockedLesson },
        { courseId: locked.id },
      );
      const s = await student(locked.id);
      expectError(await submit(s.user, assignment.id, { text: 'x' }), 403, 'LESSON_LOCKED');
    });
  });

  describe('grading', () => {
    it('grades by score with the late penalty, by rubric, refuses out-of-bounds scores (422) and replaces on regrade', async () => {
      const dueAt = '2032-01-01T00:00:00.000Z';
      const assignment = await createAssignment({ dueAt, rubric: RUBRIC, latePenaltyPercent: 10 });
      const s = await student();
      clockAt(new Date('2032-01-02T00:00:00.000Z'));
      const late = await submitted(s.user, assignment.id);
      jest.restoreAllMocks();
      expect(late.late).toBe(true);

      expectValidationError(await grade(teacher, late.id, { score: 101 }), 'score');
      expectValidationError(await grade(teacher, late.id, { score: -1 }), 'score');
      expectValidationError(await grade(teacher, late.id, {}), 'score');
      expectValidationError(
        await grade(teacher, late.id, {
          score: 5,
          rubricScores: [{ criterion: 'Clarity', points: 1 }],
        }),
        'score',
      );
      expectValidationError(
        await grade(teacher, late.id, {
          rubricScores: [
            { criterion: 'Clarity', points: 41 },
            { criterion: 'Correctness', points: 1 },
          ],
        }),
        'rubricScores.0.points',
      );
      expectValidationError(
        await grade(teacher, late.id, { rubricScores: [{ criterion: 'Clarity', points: 1 }] }),
        'rubricScores',
      );
      expectValidationError(
        await grade(teacher, late.id, {
          rubricScores: [
            { criterion: 'Clarity', points: 1 },
            { criterion: 'Clarity', points: 1 },
          ],
        }),
        'rubricScores.1',
      );
      expectError(await grade(s.user, late.id, { score: 1 }), 403, 'FORBIDDEN');
      expectError(await grade(otherTeacher, late.id, { score: 1 }), 403, 'FORBIDDEN');
      expectError(await grade(teacher, UNKNOWN_ID, { score: 1 }), 404, 'NOT_FOUND');

      const byScore = await grade(teacher, late.id, { score: 95, feedback: 'Good' });
      expect(byScore.status).toBe(200);
      expectMatchesOpenApi(byScore, 'post', '/api/v1/submissions/{id}/grade');
      expect(data<SubmissionBody>(byScore)).toMatchObject({
        status: 'graded',
        grade: {
          score: 95,
          finalScore: 85,
          feedback: 'Good',
          rubricScores: null,
          grader: { id: teacher.id, fullName: teacher.fullName },
        },
      });

      const byRubric = await grade(admin, late.id, {
        rubricScores: [
          { criterion: 'Correctness', points: 2.5 },
          { criterion: 'Clarity', points: 3 },
        ],
      });
      expect(byRubric.status).toBe(200);
      expect(data<SubmissionBody>(byRubric).grade).toMatchObject({
        score: 5.5,
        // 10 % of 100 points off, never below 0.
        finalScore: 0,
        feedback: null,
        rubricScores: [
          { criterion: 'Correctness', points: 2.5 },
          { criterion: 'Clarity', points: 3 },
        ],
        grader: { id: admin.id },
      });
      expect((await eventsOf('submission.graded', late.id)).length).toBe(2);
    });

    it('a passing grade completes the assignment’s lesson, whose manual completion is COMPLETION_BY_ASSESSMENT', async () => {
      const lessonId = course.lessonIds[1];
      const assignment = await createAssignment({ lessonId, passingScorePercentage: 70 });
      const s = await student();
      expectError(
        await t.http
          .post(`${API}/enrollments/${s.enrollmentId}/lessons/${lessonId}/complete`)
          .set(...bearer(s.user)),
        409,
        'COMPLETION_BY_ASSESSMENT',
      );
      const submission = await submitted(s.user, assignment.id);
      const completed = async () =>
        (
          await t.dataSource.query<Array<{ n: number }>>(
            `SELECT count(*)::int AS n FROM lesson_progress WHERE enrollment_id = $1 AND lesson_id = $2`,
            [s.enrollmentId, lessonId],
          )
        )[0].n;
      await grade(teacher, submission.id, { score: 69 }).expect(200);
      expect(await completed()).toBe(0);
      await grade(teacher, submission.id, { score: 70 }).expect(200);
      expect(await completed()).toBe(1);
      const lessonEvents = await t.dataSource.query<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM outbox_messages
          WHERE payload->>'type' = 'lesson.completed' AND payload->'data'->>'id' = $1`,
        [s.enrollmentId],
      );
      expect(lessonEvents[0].n).toBe(1);
    });

    it('parallel identical grades write one grade and one event', async () => {
      const assignment = await createAssignment();
      const s = await student();
      const submission = await submitted(s.user, assignment.id);
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          grade(teacher, submission.id, { score: 80, feedback: 'ok' }),
        ),
      );
      results.forEach(noServerError);
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(await eventsOf('submission.graded', submission.id)).toHaveLength(1);
    });
  });
});
