import { HttpStatus } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ERROR_CODE_BY_STATUS } from '../errors/error-codes';

/**
 * The error codes of the API grouped by HTTP status, in the order the document shows them: the
 * contract's code of each status first, then the more specific codes. Built by src/error-codes.ts
 * from the typed code lists and their status map; common/ only knows how to present it.
 */
export interface ErrorCatalog {
  /** Ascending statuses, each with its codes. */
  readonly byStatus: ReadonlyMap<number, readonly string[]>;
  /** Every code once, grouped by status: the `ErrorCode` enum. */
  readonly codes: readonly string[];
}

export function errorCatalog<C extends string>(
  codes: readonly C[],
  statusOf: (code: C) => number,
): ErrorCatalog {
  const groups = new Map<number, string[]>();
  for (const code of new Set(codes)) {
    const status = statusOf(code);
    const group = groups.get(status) ?? [];
    if (code === ERROR_CODE_BY_STATUS[status]) group.unshift(code);
    else group.push(code);
    groups.set(status, group);
  }
  const byStatus = new Map([...groups].sort(([a], [b]) => a - b));
  return { byStatus, codes: [...byStatus.values()].flat() };
}

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

/** Where the example shows a specific code rather than the generic one (matching the message). */
const EXAMPLE_CODES: Record<number, string> = {
  [HttpStatus.CONFLICT]: 'SLUG_TAKEN',
};

const EXAMPLE_DETAILS: Record<number, Array<{ field: string; message: string }>> = {
  [HttpStatus.UNPROCESSABLE_ENTITY]: [{ field: 'email', message: 'email must be an email' }],
  [HttpStatus.SERVICE_UNAVAILABLE]: [{ field: 'database', message: 'down' }],
};

function codesOf(catalog: ErrorCatalog, status: number): readonly string[] {
  return catalog.byStatus.get(status) ?? [];
}

/** The documented example body of an error response with this status. */
export function errorExample(catalog: ErrorCatalog, status: number) {
  const codes = codesOf(catalog, status);
  const specific = EXAMPLE_CODES[status];
  return {
    success: false,
    message: EXAMPLE_MESSAGES[status] ?? 'Error',
    error: {
      code: specific && codes.includes(specific) ? specific : (codes[0] ?? 'BAD_REQUEST'),
      details: EXAMPLE_DETAILS[status] ?? [],
    },
    requestId: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
  };
}

/** `UNAUTHORIZED`, or `UNAUTHORIZED, or a more specific code: INVALID_CREDENTIALS, ...`. */
export function errorDescription(catalog: ErrorCatalog, status: number): string {
  const [main, ...specific] = codesOf(catalog, status);
  if (!main) return 'Error';
  return specific.length ? `${main}, or a more specific code: ${specific.join(', ')}` : main;
}

/** The schema every error response refers to (error-envelope.schema.ts). */
const ERROR_ENVELOPE_REF = '#/components/schemas/ErrorEnvelopeSchema';

type Responses = Record<string, { description?: string; content?: Record<string, MediaType> }>;
interface MediaType {
  schema?: { $ref?: string };
  example?: unknown;
}

/**
 * Writes the catalog into a built document: the `ErrorCode` enum, and the description (its codes)
 * and example of every error response. ApiErrors() only marks which statuses a route answers.
 */
export function applyErrorCatalog(document: OpenAPIObject, catalog: ErrorCatalog): void {
  const schema = document.components?.schemas?.ErrorCode as { enum?: unknown[] } | undefined;
  if (schema) schema.enum = [...catalog.codes];
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, { responses?: Responses }>)) {
      for (const [status, response] of Object.entries(operation?.responses ?? {})) {
        const json = response.content?.['application/json'];
        if (json?.schema?.$ref !== ERROR_ENVELOPE_REF) continue;
        response.description = errorDescription(catalog, Number(status));
        json.example = errorExample(catalog, Number(status));
      }
    }
  }
}
