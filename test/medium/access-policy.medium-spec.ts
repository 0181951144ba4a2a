import { errorStatus } from '../../src/error-codes';
import { AppError } from '../../src/common/errors/app-error';
import { AccessService } from '../../src/modules/access/access.service';
import { User } from '../../src/modules/users/entities/user.entity';
import { UNKNOWN_ID } from '../utils/contract';
import { createMediumContext, MediumContext } from './medium-context';

describe('AccessService.require on real rows (medium)', () => {
  let ctx: MediumContext;
  let access: AccessService;

  beforeAll(async () => {
    ctx = await createMediumContext([]);
    access = ctx.get(AccessService);
  });
  afterAll(() => ctx?.close());

  /** 'allowed', or the HTTP status the refusal maps to. */
  async function outcome(
    user: { id: string },
    permission: Parameters<AccessService['require']>[1],
    id: string,
  ): Promise<'allowed' | number> {
    const caller = await ctx.caller(user);
    try {
      await access.require(caller, permission, id);
      return 'allowed';
    } catch (error) {
      if (error instanceof AppError) return errorStatus(error.code);
      throw error;
    }
  }

  const demote = (user: User) =>
    ctx.dataSource.getRepository(User).update({ id: user.id }, { role: 'student' });

  it('lets an instructor manage their course until demoted, then refuses at once', async () => {
    const teacher = await ctx.newUser({ role: 'instructor' });
    const published = await ctx.newCourse({ instructorId: teacher.id });
    const draft = await ctx.newCourse({ instructorId: teacher.id, isPublished: false });
    expect(await outcome(teacher, 'course.manage', published.id)).toBe('allowed');
    expect(await outcome(teacher, 'course.manage', draft.id)).toBe('allowed');

    await demote(teacher);

    // Still the course's instructorId, but the current role gives no control.
    expect(await outcome(teacher, 'course.manage', published.id)).toBe(403);
    // Their draft is now invisible to them, like anyone's draft.
    expect(await outcome(teacher, 'course.manage', draft.id)).toBe(404);
    expect(await outcome(teacher, 'course.view', draft.id)).toBe(404);
    expect(await outcome(teacher, 'course.view', published.id)).toBe('allowed');
  });

  it('hides a draft from students and other instructors, not from its instructor and admins', async () => {
    const draft = await ctx.newCourse({ isPublished: false });
    const owner = { id: draft.instructorId };
    const student = await ctx.newUser();
    const otherInstructor = await ctx.newUser({ role: 'instructor' });
    const admin = await ctx.newUser({ role: 'admin' });

    expect(await outcome(student, 'course.view', draft.id)).toBe(404);
    expect(await outcome(otherInstructor, 'course.view', draft.id)).toBe(404);
    expect(await outcome(student, 'course.enroll', draft.id)).toBe(404);
    expect(await outcome(owner, 'course.view', draft.id)).toBe('allowed');
    expect(await outcome(admin, 'course.view', draft.id)).toBe('allowed');
    expect(await outcome(admin, 'course.manage', draft.id)).toBe('allowed');
  });

  it('opens a non-preview lesson to a student once an enrollment row exists', async () => {
    const course = await ctx.newCourse({ lessons: 1 });
    const preview = await ctx.newLesson(course, { isPreview: true });
    const [lesson] = course.lessons;
    const student = await ctx.newUser();

    expect(await outcome(student, 'lesson.read', lesson.id)).toBe(403);
    expect(await outcome(student, 'lesson.read', preview.id)).toBe('allowed');

    await ctx.newEnrollment({ course, student });

    expect(await outcome(student, 'lesson.read', lesson.id)).toBe('allowed');
  });

  it('shows an enrollment to its student and the course instructor only', async () => {
    const course = await ctx.newCourse();
    const enrollment = await ctx.newEnrollment({ course });
    const classmate = await ctx.newUser();
    const otherInstructor = await ctx.newUser({ role: 'instructor' });

    expect(await outcome({ id: enrollment.studentId }, 'enrollment.read', enrollment.id)).toBe(
      'allowed',
    );
    expect(await outcome({ id: course.instructorId }, 'enrollment.read', enrollment.id)).toBe(
      'allowed',
    );
    expect(await outcome(classmate, 'enrollment.read', enrollment.id)).toBe(403);
    expect(await outcome(otherInstructor, 'enrollment.read', enrollment.id)).toBe(403);
    // Only the student records progress, not even the course's instructor.
    expect(await outcome({ id: course.instructorId }, 'enrollment.progress', enrollment.id)).toBe(
      403,
    );
    expect(await outcome(classmate, 'enrollment.read', UNKNOWN_ID)).toBe(404);
  });

  it('keeps an unpublished quiz from enrolled students but not from the instructor', async () => {
    const course = await ctx.newCourse();
    const quiz = await ctx.newQuiz(course, { isPublished: false });
    const enrollment = await ctx.newEnrollment({ course });

    expect(await outcome({ id: enrollment.studentId }, 'quiz.view', quiz.id)).toBe(404);
    expect(await outcome({ id: course.instructorId }, 'quiz.manage', quiz.id)).toBe('allowed');
  });
});
