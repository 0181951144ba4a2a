import { HttpStatus } from '@nestjs/common';

export interface ErrorDetail {
  field?: string;
  message: string;
}

/**
 * Base of every domain error: a string code and an HTTP status, turned into the error envelope by
 * the global exception filter. Services and repositories throw these, never HttpExceptions.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
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
  constructor(message = 'Bad request', details: ErrorDetail[] = [], code = 'BAD_REQUEST') {
    super(HttpStatus.BAD_REQUEST, code, message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication required', code = 'UNAUTHORIZED') {
    super(HttpStatus.UNAUTHORIZED, code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this', code = 'FORBIDDEN') {
    super(HttpStatus.FORBIDDEN, code, message);
  }
}

export class NotFoundError extends AppError {
  constructor(resource = 'Resource', code = 'NOT_FOUND') {
    super(HttpStatus.NOT_FOUND, code, `${resource} not found`);
  }
}

export class ConflictError extends AppError {
  constructor(message = 'Conflict', code = 'CONFLICT') {
    super(HttpStatus.CONFLICT, code, message);
  }
}

export class ValidationFailedError extends AppError {
  constructor(details: ErrorDetail[], message = 'Validation failed', code = 'VALIDATION_ERROR') {
    super(HttpStatus.UNPROCESSABLE_ENTITY, code, message, details);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(
    message = 'A dependency is unavailable',
    details: ErrorDetail[] = [],
    data?: unknown,
  ) {
    super(HttpStatus.SERVICE_UNAVAILABLE, 'SERVICE_UNAVAILABLE', message, details, {}, data);
  }
}

/** 423: too many failed attempts (logins, password checks, MFA codes); `Retry-After` says when. */
export class AccountLockedError extends AppError {
  constructor(retryAfterSeconds: number, message = 'Too many failed attempts: try again later') {
    super(HttpStatus.LOCKED, 'ACCOUNT_LOCKED', message, [], {
      'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}
