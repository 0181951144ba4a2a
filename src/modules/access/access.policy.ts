import type { AuthenticatedUser } from '../../common/auth/roles';

/** Who asks: the policy decides on the account and its current role, nothing else. */
export type Caller = Pick<AuthenticatedUser, 'id' | 'role'>;

/** What the policy needs to know about a course. */
export interface CourseFacts {
  instructorId: string;
  isPublished: boolean;
}

/**
 * The caller's own enrollment in the course, as far as access goes (null: not enrolled). A
 * `dropped` enrollment keeps its progress but opens nothing until the student enrolls again.
 */
export interface EnrollmentStanding {
  status: string;
}

/**
 * The facts each permission is decided on. A `null` resource is one that does not exist. Services
 * pass what they already loaded; AccessService.require loads them with one narrow query.
 */
export interface PermissionFacts {
  /** See a course: published, or its manager's draft. */
  'course.view': { course: CourseFacts | null };
  /** Change a course and its children (lessons, quizzes), read its roster and analytics. */
  'course.manage': { course: CourseFacts | null };
  /** Enroll: students, in a course they can see. */
  'course.enroll': { course: CourseFacts | null };
  /** Hold an enrollment at all (enrolled by oneself or by someone else in bulk): students. */
  'enrollment.hold': Record<string, never>;
  /** A lesson's full content: its managers, enrolled students, anyone for a published preview. */
  'lesson.read': {
    course: CourseFacts | null;
    lesson: { isPreview: boolean } | null;
    enrollment: EnrollmentStanding | null;
  };
  /** Review a course: students enrolled in it (not dropped). */
  'course.review': { course: CourseFacts | null; enrollment: EnrollmentStanding | null };
  /** See a quiz: published ones in a visible course, drafts for its managers. */
  'quiz.view': { course: CourseFacts | null; quiz: { isPublished: boolean } | null };
  /** Author a quiz and read its answer key and everyone's attempts. */
  'quiz.manage': { course: CourseFacts | null; quiz: { isPublished: boolean } | null };
  /** Start an attempt: students enrolled in the course of a quiz they see. */
  'quiz.take': {
    course: CourseFacts | null;
    quiz: { isPublished: boolean } | null;
    enrollment: EnrollmentStanding | null;
  };
  /** See an assignment: published ones in a visible course, drafts for its managers. */
  'assignment.view': { course: CourseFacts | null; assignment: { isPublished: boolean } | null };
  /** Author an assignment and read everyone's submissions. */
  'assignment.manage': {
    course: CourseFacts | null;
    assignment: { isPublished: boolean } | null;
  };
  /** Submit: students enrolled in the course of an assignment they see. */
  'assignment.submit': {
    course: CourseFacts | null;
    assignment: { isPublished: boolean } | null;
    enrollment: EnrollmentStanding | null;
  };
  /** A submission: the student, the course's managers. */
  'submission.read': { course: CourseFacts | null; submission: { studentId: string } | null };
  /** Grade a submission: the course's managers. */
  'submission.grade': { course: CourseFacts | null; submission: { studentId: string } | null };
  /** An enrollment with its progress: the student, the course's managers. */
  'enrollment.read': { course: CourseFacts | null; enrollment: { studentId: string } | null };
  /** Drop an enrollment: the student, the course's managers. */
  'enrollment.drop': { course: CourseFacts | null; enrollment: { studentId: string } | null };
  /**
   * Complete lessons, record time, review the course: the enrolled student, while not dropped
   * (admins may request certificates).
   */
  'enrollment.progress': { enrollment: { studentId: string; status: string } | null };
  'certificate.request': { enrollment: { studentId: string } | null };
  /** An attempt: the student, the course's managers. */
  'attempt.read': { course: CourseFacts | null; attempt: { studentId: string } | null };
  /** Submit: the student, while their enrollment is not dropped. */
  'attempt.submit': {
    attempt: { studentId: string } | null;
    enrollment: EnrollmentStanding | null;
  };
  /** A certificate or a file: its owner and admins; others get 404. */
  'certificate.read': { certificate: { studentId: string } | null };
  'file.access': { file: { uploadedById: string } | null };
  /** Read another user's files list, or another instructor's analytics. */
  'files.list': { ownerId: string | undefined };
  'analytics.instructor': { instructorId: string | undefined };
  /** A background job (bulk enrollment): who started it and admins; others get 404. */
  'job.read': { job: { createdById: string } | null };
}

export type Permission = keyof PermissionFacts;

export type Decision =
  | { allowed: true }
  | { allowed: false; status: 403; message: string }
  | { allowed: false; status: 404; resource: string };

const ALLOW: Decision = { allowed: true };
const notFound = (resource: string): Decision => ({ allowed: false, status: 404, resource });
const forbidden = (message: string): Decision => ({ allowed: false, status: 403, message });

export const isAdmin = (caller?: Caller): boolean => caller?.role === 'admin';

/**
 * Owns the course in the role that gives control: a demoted instructor (now a student) who is
 * still the course's `instructorId` manages nothing. The role is the current one (the
 * authentication guard reads it on every request), not the one in the token.
 */
export function managesCourse(caller: Caller | undefined, course: CourseFacts): boolean {
  if (!caller) return false;
  return isAdmin(caller) || (caller.role === 'instructor' && course.instructorId === caller.id);
}

function seesCourse(caller: Caller | undefined, course: CourseFacts): boolean {
  return course.isPublished || managesCourse(caller, course);
}

function quizDecision(
  caller: Caller | undefined,
  { course, quiz }: PermissionFacts['quiz.view'],
): Decision {
  if (!course || !quiz || !seesCourse(caller, course)) return notFound('Quiz');
  if (!quiz.isPublished && !managesCourse(caller, course)) return notFound('Quiz');
  return ALLOW;
}

function assignmentDecision(
  caller: Caller | undefined,
  { course, assignment }: PermissionFacts['assignment.view'],
): Decision {
  if (!course || !assignment || !seesCourse(caller, course)) return notFound('Assignment');
  if (!assignment.isPublished && !managesCourse(caller, course)) return notFound('Assignment');
  return ALLOW;
}

/** Enrolled and not dropped: what opens lessons, quizzes and assignments to a student. */
const isEnrolled = (enrollment: EnrollmentStanding | null): boolean =>
  enrollment !== null && enrollment.status !== 'dropped';

const DROPPED = 'You dropped this course: enroll again to continue';

/** 403 for a student who is not (or no longer) enrolled. */
const notEnrolled = (enrollment: EnrollmentStanding | null, message: string): Decision =>
  forbidden(enrollment?.status === 'dropped' ? DROPPED : message);

const ownedBy = (caller: Caller | undefined, ownerId: string): boolean => caller?.id === ownerId;

type Rule<P extends Permission> = (
  caller: Caller | undefined,
  facts: PermissionFacts[P],
) => Decision;

const MANAGERS_ONLY = 'Only the course’s instructor or an admin can do this';
const STUDENT_OR_MANAGERS = 'Only the student, the course’s instructor and admins can see this';

/**
 * Who may touch what, decided in one place from the caller's current role and the resource's
 * facts; one rule per permission (a permission without a rule does not compile). Resources a
 * caller may not know about are 404 (drafts, others' files and certificates); known ones the
 * caller may not change are 403.
 */
const RULES: { [P in Permission]: Rule<P> } = {
  'course.view': (caller, { course }) =>
    course && seesCourse(caller, course) ? ALLOW : notFound('Course'),
  'course.manage': (caller, { course }) => {
    if (!course || !seesCourse(caller, course)) return notFound('Course');
    return managesCourse(caller, course) ? ALLOW : forbidden(MANAGERS_ONLY);
  },
  'course.enroll': (caller, { course }) => {
    if (!course || !seesCourse(caller, course)) return notFound('Course');
    return RULES['enrollment.hold'](caller, {});
  },
  'enrollment.hold': (caller) =>
    caller?.role === 'student' ? ALLOW : forbidden('Only students can enroll'),
  'lesson.read': (caller, { course, lesson, enrollment }) => {
    if (!course || !lesson || !seesCourse(caller, course)) return notFound('Lesson');
    if (managesCourse(caller, course)) return ALLOW;
    if (course.isPublished && (lesson.isPreview || isEnrolled(enrollment))) return ALLOW;
    return notEnrolled(enrollment, 'Enroll in the course to read this lesson');
  },
  'course.review': (caller, { course, enrollment }) => {
    if (!course || !seesCourse(caller, course)) return notFound('Course');
    if (caller?.role !== 'student') return forbidden('Only enrolled students review courses');
    return isEnrolled(enrollment)
      ? ALLOW
      : notEnrolled(enrollment, 'Enroll in the course to review it');
  },
  'quiz.view': quizDecision,
  'quiz.manage': (caller, facts) => {
    const seen = quizDecision(caller, facts);
    if (!seen.allowed) return seen;
    return managesCourse(caller, facts.course!) ? ALLOW : forbidden(MANAGERS_ONLY);
  },
  'quiz.take': (caller, facts) => {
    const seen = quizDecision(caller, facts);
    if (!seen.allowed) return seen;
    if (caller?.role !== 'student') return forbidden('Only enrolled students take quizzes');
    return isEnrolled(facts.enrollment)
      ? ALLOW
      : notEnrolled(facts.enrollment, 'Enroll in the course to take this quiz');
  },
  'assignment.view': assignmentDecision,
  'assignment.manage': (caller, facts) => {
    const seen = assignmentDecision(caller, facts);
    if (!seen.allowed) return seen;
    return managesCourse(caller, facts.course!) ? ALLOW : forbidden(MANAGERS_ONLY);
  },
  'assignment.submit': (caller, facts) => {
    const seen = assignmentDecision(caller, facts);
    if (!seen.allowed) return seen;
    if (caller?.role !== 'student') return forbidden('Only enrolled students submit assignments');
    return isEnrolled(facts.enrollment)
      ? ALLOW
      : notEnrolled(facts.enrollment, 'Enroll in the course to submit this assignment');
  },
  'submission.read': (caller, { course, submission }) => {
    if (!submission) return notFound('Submission');
    if (ownedBy(caller, submission.studentId)) return ALLOW;
    return course && managesCourse(caller, course) ? ALLOW : forbidden(STUDENT_OR_MANAGERS);
  },
  'submission.grade': (caller, { course, submission }) => {
    if (!submission) return notFound('Submission');
    return course && managesCourse(caller, course) ? ALLOW : forbidden(MANAGERS_ONLY);
  },
  'enrollment.read': (caller, { course, enrollment }) => {
    if (!enrollment) return notFound('Enrollment');
    if (ownedBy(caller, enrollment.studentId)) return ALLOW;
    return course && managesCourse(caller, course) ? ALLOW : forbidden(STUDENT_OR_MANAGERS);
  },
  'enrollment.drop': (caller, { course, enrollment }) => {
    if (!enrollment) return notFound('Enrollment');
    if (ownedBy(caller, enrollment.studentId) || isAdmin(caller)) return ALLOW;
    return course && managesCourse(caller, course)
      ? ALLOW
      : forbidden('Only the student, the course’s instructor and admins can drop this');
  },
  'enrollment.progress': (caller, { enrollment }) => {
    if (!enrollment) return notFound('Enrollment');
    if (!ownedBy(caller, enrollment.studentId)) {
      return forbidden('Only the enrolled student can complete lessons');
    }
    return isEnrolled(enrollment) ? ALLOW : forbidden(DROPPED);
  },
  'certificate.request': (caller, { enrollment }) => {
    if (!enrollment) return notFound('Enrollment');
    return ownedBy(caller, enrollment.studentId) || isAdmin(caller)
      ? ALLOW
      : forbidden('Only the student or an admin can request this certificate');
  },
  'attempt.read': (caller, { course, attempt }) => {
    if (!attempt) return notFound('Attempt');
    if (ownedBy(caller, attempt.studentId)) return ALLOW;
    return course && managesCourse(caller, course) ? ALLOW : forbidden(STUDENT_OR_MANAGERS);
  },
  'attempt.submit': (caller, { attempt, enrollment }) => {
    if (!attempt) return notFound('Attempt');
    if (!ownedBy(caller, attempt.studentId)) {
      return forbidden('Only the student can submit this attempt');
    }
    return isEnrolled(enrollment) ? ALLOW : notEnrolled(enrollment, 'Enroll in the course');
  },
  'certificate.read': (caller, { certificate }) =>
    certificate && (ownedBy(caller, certificate.studentId) || isAdmin(caller))
      ? ALLOW
      : notFound('Certificate'),
  'file.access': (caller, { file }) =>
    file && (ownedBy(caller, file.uploadedById) || isAdmin(caller)) ? ALLOW : notFound('File'),
  'files.list': (caller, { ownerId }) =>
    !ownerId || ownedBy(caller, ownerId) || isAdmin(caller)
      ? ALLOW
      : forbidden('Only admins can list other users’ files'),
  'job.read': (caller, { job }) =>
    job && (ownedBy(caller, job.createdById) || isAdmin(caller)) ? ALLOW : notFound('Job'),
  'analytics.instructor': (caller, { instructorId }) => {
    if (isAdmin(caller)) return ALLOW;
    if (caller?.role !== 'instructor') return forbidden('Instructor analytics are for instructors');
    return !instructorId || ownedBy(caller, instructorId)
      ? ALLOW
      : forbidden('Instructors see their own analytics only');
  },
};

export function decide<P extends Permission>(
  caller: Caller | undefined,
  permission: P,
  facts: PermissionFacts[P],
): Decision {
  return (RULES[permission] as Rule<P>)(caller, facts);
}
