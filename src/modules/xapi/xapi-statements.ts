import { createHash } from 'node:crypto';
import type { DomainEvent } from '../../infra/outbox/domain-event';

/** Namespace of statement ids: UUIDv5(namespace, domain event id). */
const STATEMENT_NAMESPACE = '9f2c6a3e-4b1d-5e8f-a7c0-3d5b9e1f2a46';

const VERBS = {
  registered: 'http://adlnet.gov/expapi/verbs/registered',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  passed: 'http://adlnet.gov/expapi/verbs/passed',
  failed: 'http://adlnet.gov/expapi/verbs/failed',
  scored: 'http://adlnet.gov/expapi/verbs/scored',
} as const;
type Verb = keyof typeof VERBS;

const ACTIVITY_TYPES = {
  courses: 'http://adlnet.gov/expapi/activities/course',
  lessons: 'http://adlnet.gov/expapi/activities/lesson',
  quizzes: 'http://adlnet.gov/expapi/activities/assessment',
  assignments: 'http://adlnet.gov/expapi/activities/assessment',
} as const;
type ActivityKind = keyof typeof ACTIVITY_TYPES;

export interface Activity {
  objectType: 'Activity';
  id: string;
  definition: { type: string; name?: Record<string, string> };
}

export interface XapiStatement {
  id: string;
  actor: { objectType: 'Agent'; account: { homePage: string; name: string } };
  verb: { id: string; display: Record<string, string> };
  object: Activity;
  result?: {
    score?: { scaled?: number; raw: number; min: number; max?: number };
    success?: boolean;
    completion?: boolean;
  };
  context?: {
    registration?: string;
    platform: string;
    contextActivities?: { parent: Activity[] };
  };
  timestamp: string;
}

/** RFC 4122 version 5 (SHA-1, name-based) UUID. */
export function uuidV5(name: string, namespace = STATEMENT_NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Read from the database for events that do not carry them (XapiRepository.activityFacts). */
export interface ActivityFacts {
  /** The course of the quiz or assignment: the statement's parent activity. */
  courseId?: string;
  /** An assignment's maximum points: the score's max (and scaled). */
  maxScore?: number;
}

/** The fields of event payloads read here; anything else (answers, texts, emails) is ignored. */
interface EventData {
  id?: unknown;
  studentId?: unknown;
  courseId?: unknown;
  course?: { title?: unknown } | null;
  lessonId?: unknown;
  quizId?: unknown;
  assignmentId?: unknown;
  score?: unknown;
  maxScore?: unknown;
  passed?: unknown;
  grade?: { finalScore?: unknown } | null;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/**
 * The xAPI 1.0.3 statement of a domain event, or null for events that are not learning records
 * (and quiz attempts whose outcome a person has not decided yet). Built only from ids, scores and
 * outcomes: no email, name, answer or submission text leaves the system.
 */
export function statementFor(
  event: DomainEvent,
  baseUrl: string,
  facts: ActivityFacts = {},
): XapiStatement | null {
  const data = (event.data ?? {}) as EventData;
  const activity = (kind: ActivityKind, id: string, title?: string): Activity => ({
    objectType: 'Activity',
    id: `${baseUrl}/api/v1/${kind}/${id}`,
    definition: {
      type: ACTIVITY_TYPES[kind],
      ...(title ? { name: { 'en-US': title } } : {}),
    },
  });
  const statement = (
    userId: string,
    verb: Verb,
    object: Activity,
    extra: Pick<XapiStatement, 'result'> & { registration?: string; parent?: Activity } = {},
  ): XapiStatement => ({
    id: uuidV5(event.id),
    actor: { objectType: 'Agent', account: { homePage: baseUrl, name: userId } },
    verb: { id: VERBS[verb], display: { 'en-US': verb } },
    object,
    ...(extra.result ? { result: extra.result } : {}),
    context: {
      ...(extra.registration ? { registration: extra.registration } : {}),
      platform: 'LMS',
      ...(extra.parent ? { contextActivities: { parent: [extra.parent] } } : {}),
    },
    timestamp: event.timestamp,
  });

  const student = text(data.studentId);
  if (!student) return null;
  const courseId = text(data.courseId) ?? facts.courseId;
  const course = courseId ? activity('courses', courseId, text(data.course?.title)) : undefined;
  switch (event.type) {
    case 'enrollment.created':
      return course
        ? statement(student, 'registered', course, { registration: text(data.id) })
        : null;
    case 'enrollment.completed':
      return course
        ? statement(student, 'completed', course, {
            registration: text(data.id),
            result: { completion: true },
          })
        : null;
    case 'lesson.completed': {
      const lessonId = text(data.lessonId);
      if (!lessonId || !course) return null;
      return statement(student, 'completed', activity('lessons', lessonId), {
        registration: text(data.id),
        parent: course,
        result: { completion: true },
      });
    }
    case 'quiz.attempt.submitted':
    case 'quiz.attempt.graded': {
      // Sent once per attempt: when its outcome is final (at submit, or when its essays are graded).
      const quizId = text(data.quizId);
      if (!quizId || typeof data.passed !== 'boolean') return null;
      return statement(student, data.passed ? 'passed' : 'failed', activity('quizzes', quizId), {
        parent: course,
        result: {
          ...scoreOf(num(data.score), num(data.maxScore)),
          success: data.passed,
          completion: true,
        },
      });
    }
    case 'submission.graded': {
      const assignmentId = text(data.assignmentId);
      const raw = num(data.grade?.finalScore);
      if (!assignmentId || raw === undefined) return null;
      return statement(student, 'scored', activity('assignments', assignmentId), {
        parent: course,
        result: { ...scoreOf(raw, facts.maxScore), completion: true },
      });
    }
    default:
      return null;
  }
}

function scoreOf(
  raw: number | undefined,
  max: number | undefined,
): NonNullable<XapiStatement['result']> {
  if (raw === undefined) return {};
  if (max === undefined || max <= 0) return { score: { raw, min: 0 } };
  const scaled = Math.min(1, Math.max(0, Math.round((raw / max) * 10_000) / 10_000));
  return { score: { scaled, raw, min: 0, max } };
}
