import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-ID';
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** An incoming X-Request-ID is echoed when it is short and plain; otherwise a new UUID is used. */
export function resolveRequestId(incoming: string | string[] | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}

type RequestWithId = IncomingMessage & { id?: string | number | object };

export function requestIdOf(req: RequestWithId): string {
  return typeof req.id === 'string' ? req.id : '';
}

/** Express middleware, first in the chain: every response (errors included) carries the id. */
export function requestIdMiddleware(
  req: RequestWithId,
  res: ServerResponse,
  next: () => void,
): void {
  const id = resolveRequestId(req.headers['x-request-id']);
  req.id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  next();
}
