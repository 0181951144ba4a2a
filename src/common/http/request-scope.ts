import { AsyncLocalStorage } from 'node:async_hooks';
import type { Role } from '../auth/roles';

/** Who made the request and from where, for records written while serving it (the audit log). */
export interface RequestScope {
  requestId: string;
  ip: string;
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
