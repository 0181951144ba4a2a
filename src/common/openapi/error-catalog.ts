import { HttpStatus } from '@nestjs/common';

/**
 * Every error code the API sends, by HTTP status: the contract's code of each status first, then
 * the more specific codes modules use (`*.errors.ts`, services). The OpenAPI error schema lists
 * them as an enum so that clients can branch on them; error-catalog.spec.ts fails when a code in
 * src/ is missing here.
 */
export const ERROR_CODES_BY_STATUS = {
  [HttpStatus.BAD_REQUEST]: ['BAD_REQUEST', 'MFA_NOT_SET_UP', 'MFA_NOT_ENABLED'],
  [HttpStatus.UNAUTHORIZED]: [
    'UNAUTHORIZED',
    'INVALID_CREDENTIALS',
    'INVALID_TOKEN',
    'INVALID_MFA_CODE',
    'WRONG_PASSWORD',
  ],
  [HttpStatus.FORBIDDEN]: ['FORBIDDEN', 'MAX_ATTEMPTS_REACHED'],
  [HttpStatus.NOT_FOUND]: ['NOT_FOUND'],
  [HttpStatus.METHOD_NOT_ALLOWED]: ['METHOD_NOT_ALLOWED'],
  [HttpStatus.CONFLICT]: [
    'CONFLICT',
    'EMAIL_TAKEN',
    'SLUG_TAKEN',
    'MFA_ALREADY_ENABLED',
    'ATTEMPT_IN_PROGRESS',
    'ATTEMPT_ALREADY_SUBMITTED',
    'ATTEMPT_EXPIRED',
    'ATTEMPT_NOT_PENDING_GRADING',
  ],
  [HttpStatus.PAYLOAD_TOO_LARGE]: ['PAYLOAD_TOO_LARGE'],
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: ['UNSUPPORTED_MEDIA_TYPE'],
  [HttpStatus.UNPROCESSABLE_ENTITY]: [
    'VALIDATION_ERROR',
    'ENROLLMENT_NOT_COMPLETED',
    'POOL_TOO_SMALL',
  ],
  [HttpStatus.LOCKED]: ['ACCOUNT_LOCKED'],
  [HttpStatus.TOO_MANY_REQUESTS]: ['RATE_LIMITED'],
  [HttpStatus.INTERNAL_SERVER_ERROR]: ['INTERNAL_ERROR'],
  [HttpStatus.SERVICE_UNAVAILABLE]: ['SERVICE_UNAVAILABLE'],
} as const satisfies Record<number, readonly string[]>;

export type ErrorCode = (typeof ERROR_CODES_BY_STATUS)[keyof typeof ERROR_CODES_BY_STATUS][number];

export const ALL_ERROR_CODES: readonly ErrorCode[] = Object.values(ERROR_CODES_BY_STATUS).flat();

/** A message typical of each status, for the documented example. */
const EXAMPLE_MESSAGES: Record<number, string> = {
  [HttpStatus.BAD_REQUEST]: 'Bad request',
  [HttpStatus.UNAUTHORIZED]: 'Authentication required',
  [HttpStatus.FORBIDDEN]: 'You are not allowed to do this',
  [HttpStatus.NOT_FOUND]: 'Course not found',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'Method not allowed',
  [HttpStatus.CONFLICT]: 'This slug is already used by another course',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'The file is larger than the upload limit',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'This file type is not allowed',
  [HttpStatus.UNPROCESSABLE_ENTITY]: 'Validation failed',
  [HttpStatus.LOCKED]: 'Too many failed logins: try again later',
  [HttpStatus.TOO_MANY_REQUESTS]: 'Too many requests',
  [HttpStatus.INTERNAL_SERVER_ERROR]: 'Internal server error',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'Not ready: database down',
};

const EXAMPLE_CODES: Record<number, string> = {
  [HttpStatus.CONFLICT]: 'SLUG_TAKEN',
};

const EXAMPLE_DETAILS: Record<number, Array<{ field: string; message: string }>> = {
  [HttpStatus.UNPROCESSABLE_ENTITY]: [{ field: 'email', message: 'email must be an email' }],
  [HttpStatus.SERVICE_UNAVAILABLE]: [{ field: 'database', message: 'down' }],
};

export function errorCodesFor(status: number): readonly string[] {
  return (ERROR_CODES_BY_STATUS as Record<number, readonly string[]>)[status] ?? [];
}

/** The documented example body of an error response with this status. */
export function errorExample(status: number) {
  const codes = errorCodesFor(status);
  return {
    success: false,
    message: EXAMPLE_MESSAGES[status] ?? 'Error',
    error: {
      code: EXAMPLE_CODES[status] ?? codes[0] ?? 'BAD_REQUEST',
      details: EXAMPLE_DETAILS[status] ?? [],
    },
    requestId: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
  };
}

/** `UNAUTHORIZED`, or `UNAUTHORIZED, or a more specific code: INVALID_CREDENTIALS, ...`. */
export function errorDescription(status: number): string {
  const [main, ...specific] = errorCodesFor(status);
  if (!main) return 'Error';
  return specific.length ? `${main}, or a more specific code: ${specific.join(', ')}` : main;
}
