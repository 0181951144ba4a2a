import { HttpStatus } from '@nestjs/common';
import {
  ErrorCode,
  GENERIC_ERROR_CODES,
  unreachable,
  type ErrorStatusMap,
} from './common/errors/error-codes';
import { errorCatalog } from './common/openapi/error-catalog';
import { IDEMPOTENCY_ERROR_CODES } from './infra/idempotency/idempotency.errors';
import { ASSIGNMENTS_ERROR_CODES } from './modules/assignments/assignments.errors';
import { AUTH_ERROR_CODES } from './modules/auth/auth.errors';
import { CERTIFICATES_ERROR_CODES } from './modules/certificates/certificates.errors';
import { COURSES_ERROR_CODES } from './modules/courses/courses.errors';
import { ENROLLMENTS_ERROR_CODES } from './modules/enrollments/enrollments.errors';
import { PRIVACY_ERROR_CODES } from './modules/privacy/privacy.errors';
import { LTI_ERROR_CODES } from './modules/lti/lti.errors';
import { QUIZZES_ERROR_CODES } from './modules/quizzes/quizzes.errors';
import { USERS_ERROR_CODES } from './modules/users/users.errors';

/**
 * Every error code the API sends, assembled where the layering allows it: common/ declares the
 * generic codes and an open `ErrorCodeRegistry`, each module declares and registers its own
 * (`*.errors.ts`), and this file, beside app.module at the root, puts them together:
 * - ALL_ERROR_CODES, the run-time list (the OpenAPI `ErrorCode` enum);
 * - errorStatus, the one code -> status map, an exhaustive switch: a code added to a module's list
 *   does not compile until it has a status here; configureApp hands it to the exception filter;
 * - ERROR_CATALOG, the codes grouped by status, for the OpenAPI responses.
 */
export const ALL_ERROR_CODES = [
  ...GENERIC_ERROR_CODES,
  ...AUTH_ERROR_CODES,
  ...USERS_ERROR_CODES,
  ...COURSES_ERROR_CODES,
  ...ENROLLMENTS_ERROR_CODES,
  ...QUIZZES_ERROR_CODES,
  ...CERTIFICATES_ERROR_CODES,
  ...ASSIGNMENTS_ERROR_CODES,
  ...PRIVACY_ERROR_CODES,
  ...LTI_ERROR_CODES,
  ...IDEMPOTENCY_ERROR_CODES,
] as const satisfies readonly ErrorCode[];

/** Compiles only when every code a module registered is in ALL_ERROR_CODES (the OpenAPI enum). */
type Unlisted = Exclude<ErrorCode, (typeof ALL_ERROR_CODES)[number]>;
type Expect<T extends true> = T;
export type EveryRegisteredCodeIsListed = Expect<[Unlisted] extends [never] ? true : false>;

export const errorStatus: ErrorStatusMap = (code: ErrorCode): HttpStatus => {
  switch (code) {
    case 'BAD_REQUEST':
    case 'MFA_NOT_SET_UP':
    case 'MFA_NOT_ENABLED':
    case 'NOT_AN_LTI_LESSON':
    case 'LTI_INVALID_LAUNCH':
    case 'LTI_INVALID_REQUEST':
    case 'LTI_INVALID_SCOPE':
      return HttpStatus.BAD_REQUEST;
    case 'UNAUTHORIZED':
    case 'INVALID_CREDENTIALS':
    case 'INVALID_TOKEN':
    case 'INVALID_MFA_CODE':
    case 'WRONG_PASSWORD':
    case 'LTI_INVALID_CLIENT':
    case 'LTI_INVALID_TOKEN':
      return HttpStatus.UNAUTHORIZED;
    case 'FORBIDDEN':
    case 'MAX_ATTEMPTS_REACHED':
    case 'LESSON_LOCKED':
    case 'LTI_INSUFFICIENT_SCOPE':
      return HttpStatus.FORBIDDEN;
    case 'NOT_FOUND':
      return HttpStatus.NOT_FOUND;
    case 'METHOD_NOT_ALLOWED':
      return HttpStatus.METHOD_NOT_ALLOWED;
    case 'CONFLICT':
    case 'EMAIL_TAKEN':
    case 'SLUG_TAKEN':
    case 'MFA_ALREADY_ENABLED':
    case 'ATTEMPT_IN_PROGRESS':
    case 'ATTEMPT_ALREADY_SUBMITTED':
    case 'ATTEMPT_EXPIRED':
    case 'MODULE_NOT_EMPTY':
    case 'COMPLETION_BY_ASSESSMENT':
    case 'ATTEMPT_NOT_PENDING_GRADING':
    case 'ASSIGNMENT_CLOSED':
    case 'ALREADY_SUBMITTED':
    case 'LAST_ACTIVE_ADMIN':
    case 'LTI_CLIENT_ID_TAKEN':
    case 'LTI_TOOL_IN_USE':
    case 'IDEMPOTENCY_KEY_IN_USE':
      return HttpStatus.CONFLICT;
    case 'PAYLOAD_TOO_LARGE':
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    case 'VALIDATION_ERROR':
    case 'ENROLLMENT_NOT_COMPLETED':
    case 'POOL_TOO_SMALL':
    case 'IDEMPOTENCY_KEY_REUSED':
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case 'ACCOUNT_LOCKED':
      return HttpStatus.LOCKED;
    case 'RATE_LIMITED':
      return HttpStatus.TOO_MANY_REQUESTS;
    case 'INTERNAL_ERROR':
      return HttpStatus.INTERNAL_SERVER_ERROR;
    case 'SERVICE_UNAVAILABLE':
      return HttpStatus.SERVICE_UNAVAILABLE;
    default:
      return unreachable(code);
  }
};

export const ERROR_CATALOG = errorCatalog(ALL_ERROR_CODES, errorStatus);
