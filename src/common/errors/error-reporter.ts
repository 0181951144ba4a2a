/** Sends an unexpected error (a 5xx, a failed job) somewhere people look at it. */
export type ErrorReporter = (error: unknown) => void;

let reporter: ErrorReporter = () => undefined;

/**
 * The reporting port. common/ and infra/ call `reportError`; observability installs the Sentry
 * implementation at start-up (initErrorReporting), so the dependency points from observability to
 * common and never back. Until then, and without SENTRY_DSN, reporting is a no-op.
 */
export function setErrorReporter(next: ErrorReporter): void {
  reporter = next;
}

export function reportError(error: unknown): void {
  reporter(error);
}
