import { HttpStatus } from '@nestjs/common';
import { AccountLockedError, AppError, ServiceUnavailableError } from './common/errors/app-error';
import { ERROR_CODE_BY_STATUS, GENERIC_ERROR_CODES } from './common/errors/error-codes';
import { ALL_ERROR_CODES, ERROR_CATALOG, errorStatus } from './error-codes';
import * as auth from './modules/auth/auth.errors';
import * as certificates from './modules/certificates/certificates.errors';
import * as courses from './modules/courses/courses.errors';
import * as enrollments from './modules/enrollments/enrollments.errors';
import * as idempotency from './infra/idempotency/idempotency.errors';
import * as files from './modules/files/files.errors';
import * as lti from './modules/lti/lti.errors';
import * as quizzes from './modules/quizzes/quizzes.errors';
import * as users from './modules/users/users.errors';
import * as webhooks from './modules/webhooks/webhooks.errors';

/**
 * The wire contract: every code and the status it is sent with, as clients have seen them. A
 * change here is a breaking change of the API, not a refactoring.
 */
const WIRE: Record<number, string[]> = {
  400: [
    'BAD_REQUEST',
    'MFA_NOT_SET_UP',
    'MFA_NOT_ENABLED',
    'NOT_AN_LTI_LESSON',
    'LTI_INVALID_LAUNCH',
    'LTI_INVALID_REQUEST',
    'LTI_INVALID_SCOPE',
  ],
  401: [
    'UNAUTHORIZED',
    'INVALID_CREDENTIALS',
    'INVALID_TOKEN',
    'INVALID_MFA_CODE',
    'WRONG_PASSWORD',
    'LTI_INVALID_CLIENT',
    'LTI_INVALID_TOKEN',
  ],
  403: ['FORBIDDEN', 'MAX_ATTEMPTS_REACHED', 'LESSON_LOCKED', 'LTI_INSUFFICIENT_SCOPE'],
  404: ['NOT_FOUND'],
  405: ['METHOD_NOT_ALLOWED'],
  409: [
    'CONFLICT',
    'EMAIL_TAKEN',
    'SLUG_TAKEN',
    'MFA_ALREADY_ENABLED',
    'ATTEMPT_IN_PROGRESS',
    'ATTEMPT_ALREADY_SUBMITTED',
    'ATTEMPT_EXPIRED',
    'MODULE_NOT_EMPTY',
    'COMPLETION_BY_ASSESSMENT',
    'ATTEMPT_NOT_PENDING_GRADING',
    'ASSIGNMENT_CLOSED',
    'ALREADY_SUBMITTED',
    'LAST_ACTIVE_ADMIN',
    'LTI_CLIENT_ID_TAKEN',
    'LTI_TOOL_IN_USE',
    'IDEMPOTENCY_KEY_IN_USE',
  ],
  413: ['PAYLOAD_TOO_LARGE'],
  415: ['UNSUPPORTED_MEDIA_TYPE'],
  422: ['VALIDATION_ERROR', 'ENROLLMENT_NOT_COMPLETED', 'POOL_TOO_SMALL', 'IDEMPOTENCY_KEY_REUSED'],
  423: ['ACCOUNT_LOCKED'],
  429: ['RATE_LIMITED'],
  500: ['INTERNAL_ERROR'],
  503: ['SERVICE_UNAVAILABLE'],
};

/** Every exported error class of the modules, built once: a constructor may pick its own code. */
function moduleErrors(): AppError[] {
  const exports = [
    auth,
    certificates,
    courses,
    enrollments,
    files,
    idempotency,
    lti,
    quizzes,
    users,
    webhooks,
  ];
  const made = exports.flatMap((module) =>
    Object.values(module)
      .filter((value): value is new (...args: never[]) => AppError => {
        return typeof value === 'function' && value.prototype instanceof AppError;
      })
      .map((ErrorClass) => new (ErrorClass as new (arg?: unknown) => AppError)('not-http')),
  );
  return [...made, new AccountLockedError(60), new ServiceUnavailableError()];
}

describe('error codes', () => {
  it('sends every code with the status clients know, and no other code', () => {
    const actual: Record<number, string[]> = {};
    for (const code of ALL_ERROR_CODES) (actual[errorStatus(code)] ??= []).push(code);
    for (const codes of Object.values(actual)) codes.sort();
    const expected = Object.fromEntries(
      Object.entries(WIRE).map(([status, codes]) => [status, [...codes].sort()]),
    );
    expect(actual).toEqual(expected);
  });

  it('lists each code once', () => {
    expect(new Set(ALL_ERROR_CODES).size).toBe(ALL_ERROR_CODES.length);
  });

  it("gives each generic code its status's contract code", () => {
    for (const code of GENERIC_ERROR_CODES) {
      expect(ERROR_CODE_BY_STATUS[errorStatus(code)]).toBe(code);
    }
  });

  it('throws from modules only codes of the closed list', () => {
    const errors = moduleErrors();
    expect(errors.map((error) => error.code)).toEqual(
      expect.arrayContaining(['SLUG_TAKEN', 'ATTEMPT_EXPIRED', 'NOT_FOUND', 'PAYLOAD_TOO_LARGE']),
    );
    for (const error of errors) expect(ALL_ERROR_CODES).toContain(error.code);
    expect(errorStatus(new courses.SlugTakenError().code)).toBe(HttpStatus.CONFLICT);
    expect(errorStatus(new quizzes.MaxAttemptsReachedError().code)).toBe(HttpStatus.FORBIDDEN);
  });

  it('documents every code under its status, the contract code first', () => {
    expect(ERROR_CATALOG.codes).toHaveLength(ALL_ERROR_CODES.length);
    for (const [status, codes] of ERROR_CATALOG.byStatus) {
      expect(codes[0]).toBe(ERROR_CODE_BY_STATUS[status]);
      expect([...codes].sort()).toEqual([...WIRE[status]].sort());
    }
  });

  it('refuses to guess a status for a code outside the list', () => {
    expect(() => errorStatus('TEAPOT' as never)).toThrow(/unhandled case: TEAPOT/);
  });
});
