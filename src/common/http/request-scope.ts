import { AsyncLocalStorage } from 'node:async_hooks';
import type { Request, Response } from 'express';
import type { AuthenticatedUser, Role } from '../auth/roles';
import { requestIdOf } from './request-context';

/** Who made the request and from where, for records written while serving it (the audit log). */
export interface RequestScope {
  requestId: string;
  ip: string;
  /** Null until the authentication guard has accepted a token (and for anonymous requests). */
  actor: { id: string; role: Role } | null;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** The scope of the HTTP request being served, or undefined (jobs, the CLI, start-up). */
export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/** Runs `work` (and everything it awaits) inside `scope`. */
export function runInRequestScope<T>(scope: RequestScope, work: () => T): T {
  return storage.run(scope, work);
}

/**
 * Express middleware that opens the request's scope around the rest of the pipeline (routing,
 * guards, pipes, interceptors, the handler). Registered after the body parsers: their stream
 * callbacks run in the socket's asynchronous context, so a scope opened before them would be lost
 * by the time they call `next()`. Nest binds its interceptor chain to the context it was built in,
 * so handlers behind a multipart interceptor stay in scope too.
 */
export function requestScopeMiddleware(req: Request, _res: Response, next: () => void): void {
  const scope: RequestScope = {
    requestId: requestIdOf(req),
    ip: req.ip ?? req.socket.remoteAddress ?? '',
    actor: null,
  };
  storage.run(scope, next);
}

/** Called by the authentication guard once it has accepted the caller's token. */
export function setRequestActor(user: AuthenticatedUser): void {
  const scope = storage.getStore();
  if (scope) scope.actor = { id: user.id, role: user.role };
}
