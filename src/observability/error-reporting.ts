import { setErrorReporter } from '../common/errors/error-reporter';
import { observabilityConfig, appConfig } from '../config/configuration';

/**
 * Installs Sentry as the error reporter when SENTRY_DSN is set; otherwise reporting stays a no-op.
 * Loaded lazily so that processes without a DSN (and the tests) never pay for the SDK.
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
  setErrorReporter((error) => Sentry.captureException(error));
}
