import type { AuthenticatedUser, Role } from '../../common/auth/roles';
import { decide, Decision, managesCourse, Permission, PermissionFacts } from './access.policy';

const user = (role: Role, id = `${role}-1`): AuthenticatedUser => ({ id, role, jti: 'j', exp: 0 });
const admin = user('admin');
const owner = user('instructor', 'owner');
const demotedOwner = user('student', 'owner');
const otherInstructor = user('instructor');
const student = user('student', 'student-1');

const published = { instructorId: 'owner', isPublished: true };
const draft = { instructorId: 'owner', isPublished: false };
const ENROLLED = { status: 'active' };
const DROPPED = { status: 'dropped' };

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
      enrollment: enrolled ? ENROLLED : null,
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
      decide(student, 'lesson.read', { course: published, lesson: null, enrollment: ENROLLED }),
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
      decide(student, 'quiz.take', { course: published, quiz: open, enrollment: ENROLLED }).allowed,
    ).toBe(true);
    expect(
      decide(student, 'quiz.take', { course: published, quiz: open, enrollment: null }),
    ).toMatchObject({ status: 403, message: 'Enroll in the course to take this quiz' });
    expect(
      decide(owner, 'quiz.take', { course: published, quiz: open, enrollment: ENROLLED }),
    ).toMatchObject({ status: 403, message: 'Only enrolled students take quizzes' });
  });

  it('lets the student and the course’s managers read enrollments and attempts', () => {
    const mine = { studentId: student.id, status: 'active' };
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
    expect(decide(owner, 'attempt.submit', { attempt: mine, enrollment: ENROLLED })).toMatchObject({
      status: 403,
    });
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

  describe('every permission, case by case (exact decisions and messages)', () => {
    const ok: Decision = { allowed: true };
    const hidden = (resource: string): Decision => ({ allowed: false, status: 404, resource });
    const refused = (message: string): Decision => ({ allowed: false, status: 403, message });
    const MANAGERS_ONLY = 'Only the course’s instructor or an admin can do this';
    const STUDENT_OR_MANAGERS = 'Only the student, the course’s instructor and admins can see this';
    const otherStudent = user('student', 'student-2');
    const mine = { studentId: student.id, status: 'active' };
    const open = { isPublished: true };
    const unpublished = { isPublished: false };
    const lesson = { isPreview: false };
    const preview = { isPreview: true };

    type Case<P extends Permission> = [
      label: string,
      caller: AuthenticatedUser | undefined,
      facts: PermissionFacts[P],
      expected: Decision,
    ];
    const table: { [P in Permission]: Case<P>[] } = {
      'course.view': [
        ['anonymous, published', undefined, { course: published }, ok],
        ['anonymous, draft', undefined, { course: draft }, hidden('Course')],
        ['admin, missing', admin, { course: null }, hidden('Course')],
      ],
      'course.manage': [
        ['admin, published', admin, { course: published }, ok],
        ['anonymous, published', undefined, { course: published }, refused(MANAGERS_ONLY)],
        ['student, published', student, { course: published }, refused(MANAGERS_ONLY)],
        ['admin, missing', admin, { course: null }, hidden('Course')],
      ],
      'course.enroll': [
        [
          'anonymous, published',
          undefined,
          { course: published },
          refused('Only students can enroll'),
        ],
        ['admin, published', admin, { course: published }, refused('Only students can enroll')],
        ['student, missing', student, { course: null }, hidden('Course')],
        ['student, draft', student, { course: draft }, hidden('Course')],
      ],
      'enrollment.hold': [
        ['student', student, {}, ok],
        ['anonymous', undefined, {}, refused('Only students can enroll')],
        ['instructor', owner, {}, refused('Only students can enroll')],
        ['admin', admin, {}, refused('Only students can enroll')],
      ],
      'course.review': [
        ['enrolled student', student, { course: published, enrollment: ENROLLED }, ok],
        [
          'completed student',
          student,
          { course: published, enrollment: { status: 'completed' } },
          ok,
        ],
        [
          'student not enrolled',
          student,
          { course: published, enrollment: null },
          refused('Enroll in the course to review it'),
        ],
        [
          'student who dropped the course',
          student,
          { course: published, enrollment: DROPPED },
          refused('You dropped this course: enroll again to continue'),
        ],
        [
          'the owner',
          owner,
          { course: published, enrollment: null },
          refused('Only enrolled students review courses'),
        ],
        ['student, draft', student, { course: draft, enrollment: ENROLLED }, hidden('Course')],
        ['student, missing', student, { course: null, enrollment: null }, hidden('Course')],
      ],
      'lesson.read': [
        [
          'anonymous, preview',
          undefined,
          { course: published, lesson: preview, enrollment: null },
          ok,
        ],
        [
          'anonymous, full lesson',
          undefined,
          { course: published, lesson, enrollment: null },
          refused('Enroll in the course to read this lesson'),
        ],
        [
          'student not enrolled',
          student,
          { course: published, lesson, enrollment: null },
          refused('Enroll in the course to read this lesson'),
        ],
        ['admin, draft', admin, { course: draft, lesson, enrollment: null }, ok],
        [
          'student who dropped the course',
          student,
          { course: published, lesson, enrollment: DROPPED },
          refused('You dropped this course: enroll again to continue'),
        ],
        [
          'student who dropped, preview',
          student,
          { course: published, lesson: preview, enrollment: DROPPED },
          ok,
        ],
        [
          'admin, missing course',
          admin,
          { course: null, lesson, enrollment: ENROLLED },
          hidden('Lesson'),
        ],
      ],
      'quiz.view': [
        ['student, published', student, { course: published, quiz: open }, ok],
        ['admin, missing course', admin, { course: null, quiz: open }, hidden('Quiz')],
        ['admin, missing quiz', admin, { course: published, quiz: null }, hidden('Quiz')],
        ['student, quiz of a draft', student, { course: draft, quiz: open }, hidden('Quiz')],
        ['owner, unpublished in draft', owner, { course: draft, quiz: unpublished }, ok],
      ],
      'quiz.manage': [
        ['owner', owner, { course: published, quiz: open }, ok],
        ['admin, unpublished', admin, { course: draft, quiz: unpublished }, ok],
        [
          'other instructor',
          otherInstructor,
          { course: published, quiz: open },
          refused(MANAGERS_ONLY),
        ],
        ['student, unpublished', student, { course: published, quiz: unpublished }, hidden('Quiz')],
        ['admin, missing course', admin, { course: null, quiz: open }, hidden('Quiz')],
      ],
      'quiz.take': [
        [
          'student who dropped the course',
          student,
          { course: published, quiz: open, enrollment: DROPPED },
          refused('You dropped this course: enroll again to continue'),
        ],
        [
          'student, unpublished',
          student,
          { course: published, quiz: unpublished, enrollment: ENROLLED },
          hidden('Quiz'),
        ],
        [
          'anonymous',
          undefined,
          { course: published, quiz: open, enrollment: null },
          refused('Only enrolled students take quizzes'),
        ],
        [
          'admin',
          admin,
          { course: published, quiz: open, enrollment: ENROLLED },
          refused('Only enrolled students take quizzes'),
        ],
      ],
      'assignment.view': [
        ['student, published', student, { course: published, assignment: open }, ok],
        [
          'student, unpublished',
          student,
          { course: published, assignment: unpublished },
          hidden('Assignment'),
        ],
        ['owner, unpublished', owner, { course: published, assignment: unpublished }, ok],
      ],
      'assignment.manage': [
        ['owner', owner, { course: published, assignment: unpublished }, ok],
        [
          'student, published',
          student,
          { course: published, assignment: open },
          refused(MANAGERS_ONLY),
        ],
        ['admin, missing', admin, { course: published, assignment: null }, hidden('Assignment')],
      ],
      'assignment.submit': [
        [
          'student who dropped the course',
          student,
          { course: published, assignment: open, enrollment: DROPPED },
          refused('You dropped this course: enroll again to continue'),
        ],
        [
          'enrolled student',
          student,
          { course: published, assignment: open, enrollment: ENROLLED },
          ok,
        ],
        [
          'student not enrolled',
          student,
          { course: published, assignment: open, enrollment: null },
          refused('Enroll in the course to submit this assignment'),
        ],
        [
          'owner',
          owner,
          { course: published, assignment: open, enrollment: null },
          refused('Only enrolled students submit assignments'),
        ],
      ],
      'submission.read': [
        ['the student', student, { course: published, submission: mine }, ok],
        ['owner', owner, { course: published, submission: mine }, ok],
        [
          'other instructor',
          otherInstructor,
          { course: published, submission: mine },
          refused(STUDENT_OR_MANAGERS),
        ],
        ['missing', admin, { course: published, submission: null }, hidden('Submission')],
      ],
      'submission.grade': [
        ['owner', owner, { course: published, submission: mine }, ok],
        ['the student', student, { course: published, submission: mine }, refused(MANAGERS_ONLY)],
        ['missing', admin, { course: published, submission: null }, hidden('Submission')],
      ],
      'enrollment.read': [
        ['the student, course unknown', student, { course: null, enrollment: mine }, ok],
        ['admin', admin, { course: published, enrollment: mine }, ok],
        ['missing', admin, { course: published, enrollment: null }, hidden('Enrollment')],
        [
          'another student',
          otherStudent,
          { course: published, enrollment: mine },
          refused(STUDENT_OR_MANAGERS),
        ],
        [
          'anonymous',
          undefined,
          { course: published, enrollment: mine },
          refused(STUDENT_OR_MANAGERS),
        ],
        [
          'owner, course unknown',
          owner,
          { course: null, enrollment: mine },
          refused(STUDENT_OR_MANAGERS),
        ],
      ],
      'enrollment.drop': [
        ['the student', student, { course: published, enrollment: mine }, ok],
        ['the owner', owner, { course: published, enrollment: mine }, ok],
        ['admin', admin, { course: null, enrollment: mine }, ok],
        ['missing', admin, { course: published, enrollment: null }, hidden('Enrollment')],
        [
          'another student',
          otherStudent,
          { course: published, enrollment: mine },
          refused('Only the student, the course’s instructor and admins can drop this'),
        ],
        [
          'the owner demoted to student',
          demotedOwner,
          { course: published, enrollment: mine },
          refused('Only the student, the course’s instructor and admins can drop this'),
        ],
      ],
      'enrollment.progress': [
        ['the student', student, { enrollment: mine }, ok],
        [
          'the student, dropped',
          student,
          { enrollment: { ...mine, status: 'dropped' } },
          refused('You dropped this course: enroll again to continue'),
        ],
        ['missing', student, { enrollment: null }, hidden('Enrollment')],
        [
          'another student',
          otherStudent,
          { enrollment: mine },
          refused('Only the enrolled student can complete lessons'),
        ],
      ],
      'job.read': [
        ['who started it', owner, { job: { createdById: owner.id } }, ok],
        ['admin', admin, { job: { createdById: owner.id } }, ok],
        ['another instructor', otherInstructor, { job: { createdById: owner.id } }, hidden('Job')],
        ['missing', admin, { job: null }, hidden('Job')],
      ],
      'certificate.request': [
        ['the student', student, { enrollment: mine }, ok],
        ['missing', admin, { enrollment: null }, hidden('Enrollment')],
        [
          'another student',
          otherStudent,
          { enrollment: mine },
          refused('Only the student or an admin can request this certificate'),
        ],
        [
          'the course owner',
          owner,
          { enrollment: mine },
          refused('Only the student or an admin can request this certificate'),
        ],
      ],
      'attempt.read': [
        ['the student, course unknown', student, { course: null, attempt: mine }, ok],
        ['admin', admin, { course: draft, attempt: mine }, ok],
        ['missing', admin, { course: published, attempt: null }, hidden('Attempt')],
        [
          'another student',
          otherStudent,
          { course: published, attempt: mine },
          refused(STUDENT_OR_MANAGERS),
        ],
        [
          'anonymous',
          undefined,
          { course: published, attempt: mine },
          refused(STUDENT_OR_MANAGERS),
        ],
      ],
      'attempt.submit': [
        ['the student', student, { attempt: mine, enrollment: ENROLLED }, ok],
        [
          'the student, dropped since',
          student,
          { attempt: mine, enrollment: DROPPED },
          refused('You dropped this course: enroll again to continue'),
        ],
        ['missing', student, { attempt: null, enrollment: null }, hidden('Attempt')],
        [
          'admin',
          admin,
          { attempt: mine, enrollment: ENROLLED },
          refused('Only the student can submit this attempt'),
        ],
      ],
      'certificate.read': [
        ['the student', student, { certificate: mine }, ok],
        ['admin', admin, { certificate: mine }, ok],
        ['another student', otherStudent, { certificate: mine }, hidden('Certificate')],
        ['anonymous', undefined, { certificate: mine }, hidden('Certificate')],
        ['missing', admin, { certificate: null }, hidden('Certificate')],
      ],
      'file.access': [
        ['the uploader', student, { file: { uploadedById: student.id } }, ok],
        ['admin', admin, { file: { uploadedById: student.id } }, ok],
        ['another user', owner, { file: { uploadedById: student.id } }, hidden('File')],
        ['anonymous', undefined, { file: { uploadedById: student.id } }, hidden('File')],
        ['missing', admin, { file: null }, hidden('File')],
      ],
      'files.list': [
        ['own list', student, { ownerId: student.id }, ok],
        ['admin, anyone’s', admin, { ownerId: student.id }, ok],
        [
          'instructor, someone else’s',
          owner,
          { ownerId: student.id },
          refused('Only admins can list other users’ files'),
        ],
        [
          'anonymous, someone’s',
          undefined,
          { ownerId: student.id },
          refused('Only admins can list other users’ files'),
        ],
      ],
      'analytics.instructor': [
        ['admin, anyone', admin, { instructorId: 'owner' }, ok],
        ['instructor, own', owner, { instructorId: 'owner' }, ok],
        [
          'anonymous',
          undefined,
          { instructorId: undefined },
          refused('Instructor analytics are for instructors'),
        ],
        [
          'demoted instructor',
          demotedOwner,
          { instructorId: 'owner' },
          refused('Instructor analytics are for instructors'),
        ],
        [
          'instructor, another',
          otherInstructor,
          { instructorId: 'owner' },
          refused('Instructors see their own analytics only'),
        ],
      ],
    };

    const rows = (Object.keys(table) as Permission[]).flatMap((permission) =>
      (table[permission] as Case<Permission>[]).map(
        ([label, caller, facts, expected]) => [permission, label, caller, facts, expected] as const,
      ),
    );

    it.each(rows)('%s, %s', (permission, _label, caller, facts, expected) => {
      expect(decide(caller, permission, facts as never)).toEqual(expected);
    });
  });
});
