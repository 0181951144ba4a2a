import { observabilityConfig, appConfig } from '../config/configuration';

type Capture = (error: unknown) => void;
let capture: Capture = () => undefined;

/**
 * Sentry when SENTRY_DSN is set, nothing otherwise. Loaded lazily so that processes without a DSN
 * (and the tests) never pay for the SDK.
 */
export async function initErrorReporting(process: 'api' | 'worker'): Promise<void> {
  const { sentryDsn } = observabilityConfig();
  if (!sentryDsn) return;
  const Sentry = await import('@sentry/nestjs');
  Sentry.init({
    dsn: sentryDsn,
    environment: appConfig().nodeEnv,
    serverName: `lms-${process}`,
    sendDefaultPii: false,
    tracesSampleRate: 0,
  });
  capture = (error) => Sentry.captureException(error);
}

/** Reports an unexpected error (5xx, failed job); a no-op without Sentry. */
export function reportError(error: unknown): void {
  capture(error);
}
