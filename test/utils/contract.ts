/**
 * The HTTP contract as the tests see it: the types generated from openapi.json (`npm run sdk`)
 * and the constants every suite shares. Test bodies are typed with these, so renaming a field or
 * an endpoint in the document breaks the compiler instead of a dozen files at run time.
 */
import type { Response } from 'supertest';
import type { components, paths } from '../../sdk/schema';

export type { components, paths } from '../../sdk/schema';

/** Base path of every versioned route. */
export const API = '/api/v1';

/** An ISO-8601 UTC timestamp as the API writes it (`2026-01-02T03:04:05.678Z`). */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** A lowercase UUID, as the API writes ids. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A well-formed id no row has: for 404s that must not depend on chance. */
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

export type Schemas = components['schemas'];

/** A documented route template, e.g. `/api/v1/courses/{id}`. */
export type Route = keyof paths;
export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch' | 'options' | 'head' | 'trace';
/** The methods the document defines for `R`. */
export type MethodOf<R extends Route> = {
  [M in HttpMethod]-?: [NonNullable<paths[R][M]>] extends [never] ? never : M;
}[HttpMethod];

// Response payloads (the `data` of the envelope), by the name the suites use.
export type UserBody = Schemas['UserResponse'];
export type TokensBody = Schemas['TokensResponse'];
export type SessionBody = Schemas['SessionResponse'];
export type MfaChallengeBody = Schemas['MfaChallengeResponse'];
export type CourseBody = Schemas['CourseResponse'];
export type LessonBody = Schemas['LessonResponse'];
export type LessonOutlineBody = Schemas['LessonOutlineResponse'];
export type EnrollmentBody = Schemas['EnrollmentResponse'];
export type EnrollmentDetailBody = Schemas['EnrollmentDetailResponse'];
export type LessonProgressBody = Schemas['LessonProgressEntry'];
export type RosterEntryBody = Schemas['RosterEntryResponse'];
export type QuizBody = Schemas['QuizResponse'];
export type QuestionBody = Schemas['QuestionResponse'];
export type AttemptBody = Schemas['AttemptResponse'];
export type AttemptResultBody = Schemas['AttemptResultResponse'];
export type AttemptQuestionBody = Schemas['AttemptQuestionResponse'];
export type StartedAttemptBody = Schemas['StartedAttemptResponse'];
export type FileBody = Schemas['FileResponse'];
export type CertificateBody = Schemas['CertificateResponse'];
export type CertificateVerificationBody = Schemas['CertificateVerificationResponse'];
export type WebhookBody = Schemas['WebhookResponse'];
export type CreatedWebhookBody = Schemas['CreatedWebhookResponse'];
export type WebhookDeliveryBody = Schemas['WebhookDeliveryResponse'];
export type WebhookTestBody = Schemas['WebhookTestResponse'];
export type PageMeta = Schemas['PageMetaSchema'];
export type ErrorEnvelope = Schemas['ErrorEnvelopeSchema'];

// Request bodies.
export type CreateCourseInput = Schemas['CreateCourseDto'];
export type CreateLessonInput = Schemas['CreateLessonDto'];
export type CreateQuizInput = Schemas['CreateQuizDto'];
export type CreateQuestionInput = Schemas['CreateQuestionDto'];
export type AnswerInput = Schemas['AnswerDto'];

/** The payload of a success envelope, typed by the contract: `body<CourseBody>(res).slug`. */
export function body<T>(res: Response): T {
  return (res.body as { data: T }).data;
}

/** The payload and page meta of a list envelope. */
export function page<T>(res: Response): { data: T[]; meta: PageMeta } {
  return res.body as { data: T[]; meta: PageMeta };
}

/** `body` under another name, for suites where `body` is already a request body. */
export const payload = body;
