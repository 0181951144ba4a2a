import { randomUUID } from 'node:crypto';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { Clock } from '../../src/common/time/clock';
import { createCourse } from '../factories/courses.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { expectError, expectValidationError } from '../utils/expectations';
import { expectMatchesOpenApi } from '../utils/openapi-validator';
import { createTestApp, TestApp } from '../utils/test-app';

const API = '/api/v1';
const DAY_MS = 86_400_000;

interface LockState {
  status: 'locked' | 'available' | 'completed';
  unlocksAt: string | null;
  reasons: string[];
}
interface ModuleBody {
  id: string;
  position: number;
  prerequisiteModuleIds: string[];
  lessonCount: number;
  lessons: Array<{ id: string; moduleId: string | null; state?: LockState }>;
  state?: LockState;
}

describe('Course modules, prerequisites, release schedule and lesson locks (e2e)', () => {
  let t: TestApp;
  let teacher: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    // Jobs wait in the outbox (no worker): no mail or webhook handler runs beside the requests
    // whose statements are counted.
    t = await createTestApp({ JOBS_INLINE: 'false' });
    teacher = await createUser(t, 'instructor');
    admin = await createUser(t, 'admin');
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  const createModule = async (courseId: string, body: Record<string, unknown>) =>
    (
      await t.http
        .post(`${API}/courses/${courseId}/modules`)
        .set(...bearer(teacher))
        .send({ title: `Module ${randomUUID().slice(0, 4)}`, ...body })
        .expect(201)
    ).body.data as ModuleBody;

  const addLesson = async (courseId: string, moduleId: string | null, title = 'A lesson') =>
    (
      await t.http
        .post(`${API}/courses/${courseId}/lessons`)
        .set(...bearer(teacher))
        .send({ title, contentType: 'text', content: 'Body', moduleId })
        .expect(201)
    ).body.data as { id: string; moduleId: string | null };

  const modulesAs = async (user: TestUser | undefined, courseId: string) => {
    const req = t.http.get(`${API}/courses/${courseId}/modules`);
    const res = await (user ? req.set(...bearer(user)) : req).expect(200);
    expectMatchesOpenApi(res, 'get', '/api/v1/courses/{id}/modules');
    return res.body.data as ModuleBody[];
  };

  async function enrolled(courseId: string) {
    const student = await createUser(t, 'student');
    const res = await t.http
      .post(`${API}/enrollments`)
      .set(...bearer(student))
      .send({ courseId })
      .expect(201);
    return { student, enrollmentId: res.body.data.id as string };
  }

  const complete = (who: { student: TestUser; enrollmentId: string }, lessonId: string) =>
    t.http
      .post(`${API}/enrollments/${who.enrollmentId}/lessons/${lessonId}/complete`)
      .set(...bearer(who.student));

  const publish = (courseId: string) =>
    t.http
      .post(`${API}/courses/${courseId}/publish`)
      .set(...bearer(teacher))
      .expect(200);

  describe('authoring', () => {
    it('creates, lists, changes, reorders and deletes modules; lessons join them by moduleId', async () => {
      const course = await createCourse(t, teacher);
      const first = await createModule(course.id, { title: 'Basics' });
      const second = await createModule(course.id, {
        title: 'Advanced',
        description: 'Harder',
        unlockAfterDays: 3,
        prerequisiteModuleIds: [first.id],
        requireSequentialProgress: true,
      });
      expect(second).toMatchObject({
        courseId: course.id,
        position: 2,
        unlockAfterDays: 3,
        prerequisiteModuleIds: [first.id],
        requireSequentialProgress: true,
        lessonCount: 0,
        unlockAt: null,
      });
      const lesson = await addLesson(course.id, first.id);
      expect(lesson.moduleId).toBe(first.id);
      const loose = await addLesson(course.id, null);
      expect(loose.moduleId).toBeNull();

      const listed = await modulesAs(teacher, course.id);
      expect(listed.map((m) => [m.id, m.lessonCount])).toEqual([
        [first.id, 1],
        [second.id, 0],
      ]);
      expect(listed[0].lessons.map((l) => l.id)).toEqual([lesson.id]);
      expect(listed[0].state).toBeUndefined();

      const patched = await t.http
        .patch(`${API}/modules/${second.id}`)
        .set(...bearer(teacher))
        .send({ title: 'Advanced topics', unlockAt: '2030-01-01T00:00:00.000Z', position: 1 })
        .expect(200);
      expectMatchesOpenApi(patched, 'patch', '/api/v1/modules/{id}');
      expect(patched.body.data).toMatchObject({
        title: 'Advanced topics',
        position: 1,
        unlockAt: '2030-01-01T00:00:00.000Z',
      });

      const reordered = await t.http
        .patch(`${API}/modules/reorder`)
        .set(...bearer(teacher))
        .send({ courseId: course.id, moduleIds: [first.id, second.id] })
        .expect(200);
      expect((reordered.body.data as ModuleBody[]).map((m) => [m.id, m.position])).toEqual([
        [first.id, 1],
        [second.id, 2],
      ]);
      expectValidationError(
        await t.http
          .patch(`${API}/modules/reorder`)
          .set(...bearer(teacher))
          .send({ courseId: course.id, moduleIds: [first.id] }),
        'moduleIds',
      );

      expectError(
        await t.http.delete(`${API}/modules/${first.id}`).set(...bearer(teacher)),
        409,
        'MODULE_NOT_EMPTY',
      );
      await t.http
        .patch(`${API}/lessons/${lesson.id}`)
        .set(...bearer(teacher))
        .send({ moduleId: null })
        .expect(200);
      await t.http
        .delete(`${API}/modules/${first.id}`)
        .set(...bearer(teacher))
        .expect(204);
      const [remaining] = await modulesAs(teacher, course.id);
      expect(remaining).toMatchObject({ id: second.id, position: 1, prerequisiteModuleIds: [] });
    });

    it('keeps a course without modules as it was: lessons with moduleId null, no modules', async () => {
      const course = await createCourse(t, teacher, { lessons: 2, publish: true });
      expect(await modulesAs(undefined, course.id)).toEqual([]);
      const outline = await t.http.get(`${API}/courses/${course.id}/lessons`).expect(200);
      expect(outline.body.data.map((l: { moduleId: string | null }) => l.moduleId)).toEqual([
        null,
        null,
      ]);
      const learner = await enrolled(course.id);
      await complete(learner, course.lessonIds[1]).expect(200);
      const detail = await t.http
        .get(`${API}/enrollments/${learner.enrollmentId}`)
        .set(...bearer(learner.student))
        .expect(200);
      expect(detail.body.data.lessons.map((l: { locked: boolean }) => l.locked)).toEqual([
        false,
        false,
      ]);
    });

    it('refuses a lesson in another course’s module, and prerequisites outside the course, on itself or in a cycle (422)', async () => {
      const course = await createCourse(t, teacher);
      const other = await createCourse(t, teacher);
      const foreign = await createModule(other.id, {});
      expectValidationError(
        await t.http
          .post(`${API}/courses/${course.id}/lessons`)
          .set(...bearer(teacher))
          .send({ title: 'X', contentType: 'text', moduleId: foreign.id }),
        'moduleId',
      );
      expectValidationError(
        await t.http
          .post(`${API}/courses/${course.id}/modules`)
          .set(...bearer(teacher))
          .send({ title: 'Y', prerequisiteModuleIds: [foreign.id] }),
        'prerequisiteModuleIds',
      );
      const a = await createModule(course.id, {});
      const b = await createModule(course.id, { prerequisiteModuleIds: [a.id] });
      const c = await createModule(course.id, { prerequisiteModuleIds: [b.id] });
      for (const prerequisites of [[a.id], [c.id], [b.id]]) {
        expectValidationError(
          await t.http
            .patch(`${API}/modules/${a.id}`)
            .set(...bearer(teacher))
            .send({ prerequisiteModuleIds: prerequisites }),
          'prerequisiteModuleIds',
        );
      }
      // Two edits that are fine alone but close a cycle together: the course lock orders them.
      const x = await createModule(course.id, {});
      const y = await createModule(course.id, {});
      const [first, second] = await Promise.all([
        t.http
          .patch(`${API}/modules/${x.id}`)
          .set(...bearer(teacher))
          .send({ prerequisiteModuleIds: [y.id] }),
        t.http
          .patch(`${API}/modules/${y.id}`)
          .set(...bearer(teacher))
          .send({ prerequisiteModuleIds: [x.id] }),
      ]);
      expect([first.status, second.status].sort()).toEqual([200, 422]);
    });

    it('answers 403 to other instructors and students, 404 for unknown modules', async () => {
      const course = await createCourse(t, teacher, { publish: true });
      const module = await createModule(course.id, {});
      const stranger = await createUser(t, 'instructor');
      expectError(
        await t.http
          .patch(`${API}/modules/${module.id}`)
          .set(...bearer(stranger))
          .send({ title: 'Mine now' }),
        403,
        'FORBIDDEN',
      );
      expectError(
        await t.http.delete(`${API}/modules/${randomUUID()}`).set(...bearer(teacher)),
        404,
        'NOT_FOUND',
      );
      await t.http
        .patch(`${API}/modules/${module.id}`)
        .set(...bearer(admin))
        .send({ title: 'Admins may' })
        .expect(200);
    });
  });

  describe('locks for enrolled students', () => {
    it('locks a module until its prerequisites are complete: lesson read, completion and quiz start are 403 LESSON_LOCKED', async () => {
      const course = await createCourse(t, teacher);
      const intro = await createModule(course.id, { title: 'Intro' });
      const next = await createModule(course.id, { prerequisiteModuleIds: [intro.id] });
      const first = await addLesson(course.id, intro.id);
      const gated = await addLesson(course.id, next.id);
      const quiz = await t.http
        .post(`${API}/courses/${course.id}/quizzes`)
        .set(...bearer(teacher))
        .send({ title: 'Gated quiz', lessonId: gated.id })
        .expect(201);
      await t.http
        .post(`${API}/quizzes/${quiz.body.data.id}/questions`)
        .set(...bearer(teacher))
        .send({ text: 'Ok?', type: 'true_false', correctAnswer: true })
        .expect(201);
      await t.http
        .post(`${API}/quizzes/${quiz.body.data.id}/publish`)
        .set(...bearer(teacher))
        .expect(200);
      await publish(course.id);
      const learner = await enrolled(course.id);

      const [introState, nextState] = await modulesAs(learner.student, course.id);
      expect(introState.state).toEqual({ status: 'available', unlocksAt: null, reasons: [] });
      expect(nextState.state).toEqual({
        status: 'locked',
        unlocksAt: null,
        reasons: ['prerequisites'],
      });
      expect(nextState.lessons[0].state).toMatchObject({ status: 'locked' });

      expectError(
        await t.http.get(`${API}/lessons/${gated.id}`).set(...bearer(learner.student)),
        403,
        'LESSON_LOCKED',
      );
      expectError(await complete(learner, gated.id), 403, 'LESSON_LOCKED');
      expectError(
        await t.http
          .post(`${API}/quizzes/${quiz.body.data.id}/attempts`)
          .set(...bearer(learner.student)),
        403,
        'LESSON_LOCKED',
      );
      // The owner is never locked out.
      await t.http
        .get(`${API}/lessons/${gated.id}`)
        .set(...bearer(teacher))
        .expect(200);

      await complete(learner, first.id).expect(200);
      const [doneIntro, opened] = await modulesAs(learner.student, course.id);
      expect(doneIntro.state?.status).toBe('completed');
      expect(opened.state).toEqual({ status: 'available', unlocksAt: null, reasons: [] });
      await t.http
        .get(`${API}/lessons/${gated.id}`)
        .set(...bearer(learner.student))
        .expect(200);
      await t.http
        .post(`${API}/quizzes/${quiz.body.data.id}/attempts`)
        .set(...bearer(learner.student))
        .expect(201);
    });

    it('follows the release schedule (unlockAt, unlockAfterDays after enrollment) on the injected clock', async () => {
      const course = await createCourse(t, teacher);
      const opensAt = new Date(Date.now() + 10 * DAY_MS);
      const dated = await createModule(course.id, { unlockAt: opensAt.toISOString() });
      const relative = await createModule(course.id, { unlockAfterDays: 3 });
      const both = await createModule(course.id, {
        unlockAt: new Date(Date.now() + DAY_MS).toISOString(),
        unlockAfterDays: 5,
      });
      const lessons = [
        await addLesson(course.id, dated.id),
        await addLesson(course.id, relative.id),
        await addLesson(course.id, both.id),
      ];
      await publish(course.id);
      const learner = await enrolled(course.id);
      const enrolledAt = Date.parse(
        (
          await t.http
            .get(`${API}/enrollments/${learner.enrollmentId}`)
            .set(...bearer(learner.student))
        ).body.data.enrolledAt,
      );

      const states = (await modulesAs(learner.student, course.id)).map((m) => m.state);
      expect(states).toEqual([
        { status: 'locked', unlocksAt: opensAt.toISOString(), reasons: ['schedule'] },
        {
          status: 'locked',
          unlocksAt: new Date(enrolledAt + 3 * DAY_MS).toISOString(),
          reasons: ['schedule'],
        },
        // Whichever is latest.
        {
          status: 'locked',
          unlocksAt: new Date(enrolledAt + 5 * DAY_MS).toISOString(),
          reasons: ['schedule'],
        },
      ]);
      const detail = await t.http
        .get(`${API}/enrollments/${learner.enrollmentId}`)
        .set(...bearer(learner.student))
        .expect(200);
      expect(detail.body.data.lessons).toEqual(
        lessons.map((lesson, i) =>
          expect.objectContaining({
            lessonId: lesson.id,
            moduleId: [dated.id, relative.id, both.id][i],
            locked: true,
            unlocksAt: states[i]!.unlocksAt,
          }),
        ),
      );
      expectError(await complete(learner, lessons[1].id), 403, 'LESSON_LOCKED');

      // Four days later: the relative module has opened, the others have not.
      jest.spyOn(Clock.prototype, 'now').mockReturnValue(new Date(enrolledAt + 4 * DAY_MS));
      const later = (await modulesAs(learner.student, course.id)).map((m) => m.state?.status);
      expect(later).toEqual(['locked', 'available', 'locked']);
      await complete(learner, lessons[1].id).expect(200);
      jest.spyOn(Clock.prototype, 'now').mockReturnValue(new Date(opensAt.getTime() + 1_000));
      const all = (await modulesAs(learner.student, course.id)).map((m) => m.state?.status);
      expect(all).toEqual(['available', 'completed', 'available']);
    });

    it('opens the lessons of a sequential module one after the other', async () => {
      const course = await createCourse(t, teacher);
      const steps = await createModule(course.id, { requireSequentialProgress: true });
      const one = await addLesson(course.id, steps.id, 'One');
      const two = await addLesson(course.id, steps.id, 'Two');
      const three = await addLesson(course.id, steps.id, 'Three');
      await publish(course.id);
      const learner = await enrolled(course.id);
      const lessonStates = async () =>
        (await modulesAs(learner.student, course.id))[0].lessons.map((l) => l.state?.status);

      expect(await lessonStates()).toEqual(['available', 'locked', 'locked']);
      const [, second] = (await modulesAs(learner.student, course.id))[0].lessons;
      expect(second.state).toEqual({ status: 'locked', unlocksAt: null, reasons: ['sequence'] });
      expectError(await complete(learner, three.id), 403, 'LESSON_LOCKED');
      await complete(learner, one.id).expect(200);
      expect(await lessonStates()).toEqual(['completed', 'available', 'locked']);
      await complete(learner, two.id).expect(200);
      await complete(learner, three.id).expect(200);
      expect(await lessonStates()).toEqual(['completed', 'completed', 'completed']);
    });

    it('computes the states of one student in a constant number of statements', async () => {
      const statementsFor = async (modules: number, lessonsPerModule: number) => {
        const course = await createCourse(t, teacher);
        let previous: string | undefined;
        for (let m = 0; m < modules; m++) {
          const module = await createModule(course.id, {
            prerequisiteModuleIds: previous ? [previous] : [],
            requireSequentialProgress: m % 2 === 0,
          });
          for (let l = 0; l < lessonsPerModule; l++) await addLesson(course.id, module.id);
          previous = module.id;
        }
        await publish(course.id);
        const learner = await enrolled(course.id);
        await modulesAs(learner.student, course.id); // warms the caller's cached auth state
        const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
        await modulesAs(learner.student, course.id);
        // Statements on the course's structure and progress: not the caller's auth checks (which
        // fall back to PostgreSQL when Redis is slow) nor the inline outbox relay's polling.
        const count = spy.mock.calls.filter(([sql]) =>
          /\b(course_modules|lessons|lesson_progress|enrollments|courses)\b/.test(String(sql)),
        ).length;
        spy.mockRestore();
        return count;
      };
      const small = await statementsFor(2, 1);
      const large = await statementsFor(6, 4);
      expect(large).toBe(small);
      // Course visibility, modules, lessons, the enrollment, and the lock inputs (modules with
      // prerequisites, lessons, completed lessons).
      expect(small).toBe(7);
    });
  });

  describe('completion by assessment', () => {
    it('refuses manual completion of a lesson tied to a published quiz (409), not to a draft one', async () => {
      const course = await createCourse(t, teacher, { lessons: 2 });
      const [tiedToPublished, tiedToDraft] = course.lessonIds;
      for (const [lessonId, published] of [
        [tiedToPublished, true],
        [tiedToDraft, false],
      ] as const) {
        const quiz = await t.http
          .post(`${API}/courses/${course.id}/quizzes`)
          .set(...bearer(teacher))
          .send({ title: 'Assessment', lessonId })
          .expect(201);
        await t.http
          .post(`${API}/quizzes/${quiz.body.data.id}/questions`)
          .set(...bearer(teacher))
          .send({ text: 'Ok?', type: 'true_false', correctAnswer: true })
          .expect(201);
        if (published) {
          await t.http
            .post(`${API}/quizzes/${quiz.body.data.id}/publish`)
            .set(...bearer(teacher))
            .expect(200);
        }
      }
      await publish(course.id);
      const learner = await enrolled(course.id);
      expectError(await complete(learner, tiedToPublished), 409, 'COMPLETION_BY_ASSESSMENT');
      await complete(learner, tiedToDraft).expect(200);
      const detail = await t.http
        .get(`${API}/enrollments/${learner.enrollmentId}`)
        .set(...bearer(learner.student))
        .expect(200);
      expect(detail.body.data).toMatchObject({ status: 'active', completedLessons: 1 });
    });
  });
});
