import type { ErrorCode } from './error-codes';

export interface ErrorDetail {
  field?: string;
  message: string;
}

/**
 * Base of every domain error: a code from the closed set (error-codes.ts), a message and details,
 * turned into the error envelope by the global exception filter. The code alone decides the HTTP
 * status (src/error-codes.ts), so one code always means one status. Services and repositories
 * throw these, never HttpExceptions.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
    /** Extra machine-readable state sent as `data` beside the error (readiness uses it). */
    readonly data?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  constructor(
    message = 'Bad request',
    details: ErrorDetail[] = [],
    code: ErrorCode = 'BAD_REQUEST',
  ) {
    super(code, message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication required', code: ErrorCode = 'UNAUTHORIZED') {
    super(code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this', code: ErrorCode = 'FORBIDDEN') {
    super(code, message);
  }
}

export class NotFoundError extends AppError {
  constructor(resource = 'Resource', code: ErrorCode = 'NOT_FOUND') {
    super(code, `${resource} not found`);
  }
}

export class ConflictError extends AppError {
  constructor(message = 'Conflict', code: ErrorCode = 'CONFLICT') {
    super(code, message);
  }
}

export class ValidationFailedError extends AppError {
  constructor(
    details: ErrorDetail[],
    message = 'Validation failed',
    code: ErrorCode = 'VALIDATION_ERROR',
  ) {
    super(code, message, details);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(
    message = 'A dependency is unavailable',
    details: ErrorDetail[] = [],
    data?: unknown,
  ) {
    super('SERVICE_UNAVAILABLE', message, details, {}, data);
  }
}

/** 423: too many failed attempts (logins, password checks, MFA codes); `Retry-After` says when. */
export class AccountLockedError extends AppError {
  constructor(retryAfterSeconds: number, message = 'Too many failed attempts: try again later') {
    super('ACCOUNT_LOCKED', message, [], {
      'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}
