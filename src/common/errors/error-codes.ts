import { HttpStatus } from '@nestjs/common';

/**
 * The contract's generic error codes: one per HTTP status the API answers with (API.md). Modules
 * add more specific codes in their `*.errors.ts`.
 */
export const GENERIC_ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'VALIDATION_ERROR',
  'ACCOUNT_LOCKED',
  'RATE_LIMITED',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
] as const;

export type GenericErrorCode = (typeof GENERIC_ERROR_CODES)[number];

/**
 * The closed set of error codes, open for extension by declaration merging only. common/ may not
 * import modules/, so it cannot list their codes; instead each module's `*.errors.ts` adds its
 * `as const` list here:
 *
 *   declare module '../../common/errors/error-codes' {
 *     interface ErrorCodeRegistry { courses: (typeof COURSES_ERROR_CODES)[number] }
 *   }
 *
 * `ErrorCode` is then the union of the generic codes and every module's, wherever a module's
 * errors file is compiled (they all are: app.module imports every module). src/error-codes.ts
 * assembles the same lists at run time, maps each code to its status with an exhaustive switch
 * (the filter receives that map) and fails to compile when a registered code is missing there.
 */
export interface ErrorCodeRegistry {
  generic: GenericErrorCode;
}

export type ErrorCode = ErrorCodeRegistry[keyof ErrorCodeRegistry];

/** The status of each generic code: for HttpExceptions and body-parser errors, which carry none. */
export const ERROR_CODE_BY_STATUS: Readonly<Record<number, GenericErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: 'BAD_REQUEST',
  [HttpStatus.UNAUTHORIZED]: 'UNAUTHORIZED',
  [HttpStatus.FORBIDDEN]: 'FORBIDDEN',
  [HttpStatus.NOT_FOUND]: 'NOT_FOUND',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'METHOD_NOT_ALLOWED',
  [HttpStatus.CONFLICT]: 'CONFLICT',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'PAYLOAD_TOO_LARGE',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'UNSUPPORTED_MEDIA_TYPE',
  [HttpStatus.UNPROCESSABLE_ENTITY]: 'VALIDATION_ERROR',
  [HttpStatus.LOCKED]: 'ACCOUNT_LOCKED',
  [HttpStatus.TOO_MANY_REQUESTS]: 'RATE_LIMITED',
  [HttpStatus.INTERNAL_SERVER_ERROR]: 'INTERNAL_ERROR',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'SERVICE_UNAVAILABLE',
};

export function errorCodeForStatus(status: number): GenericErrorCode {
  return ERROR_CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
}

/** Maps every error code to the HTTP status it is sent with (src/error-codes.ts implements it). */
export type ErrorStatusMap = (code: ErrorCode) => HttpStatus;

/** For the `default` branch of an exhaustive switch: compiles only when no case is left. */
export function unreachable(value: never): never {
  throw new Error(`unhandled case: ${String(value)}`);
}
