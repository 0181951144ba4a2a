import type { AuthenticatedUser, Role } from '../../common/auth/roles';
import { decide, managesCourse } from './access.policy';

const user = (role: Role, id = `${role}-1`): AuthenticatedUser => ({ id, role, jti: 'j', exp: 0 });
const admin = user('admin');
const owner = user('instructor', 'owner');
const demotedOwner = user('student', 'owner');
const otherInstructor = user('instructor');
const student = user('student', 'student-1');

const published = { instructorId: 'owner', isPublished: true };
const draft = { instructorId: 'owner', isPublished: false };

describe('access policy', () => {
  describe('managesCourse', () => {
    it.each([
      ['admin', admin, true],
      ['the owner in the instructor role', owner, true],
      ['the owner demoted to student', demotedOwner, false],
      ['another instructor', otherInstructor, false],
      ['a student', student, false],
      ['anonymous', undefined, false],
    ])('%s: %s', (_label, caller, expected) => {
      expect(managesCourse(caller, published)).toBe(expected);
    });
  });

  it('shows drafts to their managers only, as 404 to everyone else', () => {
    expect(decide(owner, 'course.view', { course: draft })).toEqual({ allowed: true });
    expect(decide(admin, 'course.view', { course: draft })).toEqual({ allowed: true });
    for (const caller of [demotedOwner, otherInstructor, student, undefined]) {
      expect(decide(caller, 'course.view', { course: draft })).toEqual({
        allowed: false,
        status: 404,
        resource: 'Course',
      });
    }
    expect(decide(undefined, 'course.view', { course: published }).allowed).toBe(true);
    expect(decide(admin, 'course.view', { course: null })).toMatchObject({ status: 404 });
  });

  it('refuses managing a visible course with 403 and an invisible one with 404', () => {
    expect(decide(otherInstructor, 'course.manage', { course: published })).toMatchObject({
      status: 403,
    });
    expect(decide(demotedOwner, 'course.manage', { course: published })).toMatchObject({
      status: 403,
    });
    expect(decide(demotedOwner, 'course.manage', { course: draft })).toMatchObject({
      status: 404,
    });
    expect(decide(owner, 'course.manage', { course: draft }).allowed).toBe(true);
  });

  it('lets students enroll in visible courses only', () => {
    expect(decide(student, 'course.enroll', { course: published }).allowed).toBe(true);
    expect(decide(owner, 'course.enroll', { course: published })).toMatchObject({ status: 403 });
    expect(decide(student, 'course.enroll', { course: draft })).toMatchObject({ status: 404 });
  });

  it('gives full lessons to managers, enrolled students and previews of published courses', () => {
    const lesson = { isPreview: false };
    const preview = { isPreview: true };
    const facts = (course: typeof draft, l: typeof lesson, enrolled: boolean) => ({
      course,
      lesson: l,
      enrolled,
    });
    expect(decide(owner, 'lesson.read', facts(draft, lesson, false)).allowed).toBe(true);
    expect(decide(student, 'lesson.read', facts(published, lesson, true)).allowed).toBe(true);
    expect(decide(student, 'lesson.read', facts(published, preview, false)).allowed).toBe(true);
    expect(decide(student, 'lesson.read', facts(published, lesson, false))).toMatchObject({
      status: 403,
    });
    expect(decide(student, 'lesson.read', facts(draft, preview, true))).toMatchObject({
      status: 404,
      resource: 'Lesson',
    });
    expect(
      decide(student, 'lesson.read', { course: published, lesson: null, enrolled: true }),
    ).toMatchObject({ status: 404 });
  });

  it('hides unpublished quizzes from non-managers and lets only enrolled students take them', () => {
    const open = { isPublished: true };
    const hidden = { isPublished: false };
    expect(decide(student, 'quiz.view', { course: published, quiz: hidden })).toMatchObject({
      status: 404,
      resource: 'Quiz',
    });
    expect(decide(owner, 'quiz.view', { course: published, quiz: hidden }).allowed).toBe(true);
    expect(decide(student, 'quiz.manage', { course: published, quiz: open })).toMatchObject({
      status: 403,
    });
    expect(
      decide(student, 'quiz.take', { course: published, quiz: open, enrolled: true }).allowed,
    ).toBe(true);
    expect(
      decide(student, 'quiz.take', { course: published, quiz: open, enrolled: false }),
    ).toMatchObject({ status: 403, message: 'Enroll in the course to take this quiz' });
    expect(
      decide(owner, 'quiz.take', { course: published, quiz: open, enrolled: true }),
    ).toMatchObject({ status: 403, message: 'Only enrolled students take quizzes' });
  });

  it('lets the student and the course’s managers read enrollments and attempts', () => {
    const mine = { studentId: student.id };
    expect(
      decide(student, 'enrollment.read', { course: published, enrollment: mine }).allowed,
    ).toBe(true);
    expect(decide(owner, 'enrollment.read', { course: published, enrollment: mine }).allowed).toBe(
      true,
    );
    expect(
      decide(demotedOwner, 'enrollment.read', { course: published, enrollment: mine }),
    ).toMatchObject({ status: 403 });
    expect(decide(owner, 'attempt.read', { course: published, attempt: mine }).allowed).toBe(true);
    expect(
      decide(otherInstructor, 'attempt.read', { course: published, attempt: mine }),
    ).toMatchObject({ status: 403 });
    expect(decide(owner, 'attempt.submit', { attempt: mine })).toMatchObject({ status: 403 });
    expect(decide(admin, 'enrollment.progress', { enrollment: mine })).toMatchObject({
      status: 403,
    });
    expect(decide(admin, 'certificate.request', { enrollment: mine }).allowed).toBe(true);
    expect(decide(student, 'attempt.read', { course: published, attempt: null })).toMatchObject({
      status: 404,
      resource: 'Attempt',
    });
  });

  it('answers others’ certificates and files with 404, and lets admins see them', () => {
    const theirs = { studentId: 'someone-else', uploadedById: 'someone-else' };
    expect(decide(student, 'certificate.read', { certificate: theirs })).toMatchObject({
      status: 404,
    });
    expect(decide(admin, 'certificate.read', { certificate: theirs }).allowed).toBe(true);
    expect(decide(student, 'file.access', { file: theirs })).toMatchObject({ status: 404 });
    expect(decide(admin, 'file.access', { file: theirs }).allowed).toBe(true);
    expect(decide(student, 'files.list', { ownerId: 'someone-else' })).toMatchObject({
      status: 403,
    });
    expect(decide(student, 'files.list', { ownerId: undefined }).allowed).toBe(true);
  });

  it('gives instructor analytics to instructors for themselves and to admins for anyone', () => {
    expect(decide(owner, 'analytics.instructor', { instructorId: undefined }).allowed).toBe(true);
    expect(decide(owner, 'analytics.instructor', { instructorId: 'owner' }).allowed).toBe(true);
    expect(decide(owner, 'analytics.instructor', { instructorId: 'x' })).toMatchObject({
      status: 403,
    });
    expect(decide(student, 'analytics.instructor', { instructorId: undefined })).toMatchObject({
      status: 403,
    });
    expect(decide(admin, 'analytics.instructor', { instructorId: 'x' }).allowed).toBe(true);
  });
});
