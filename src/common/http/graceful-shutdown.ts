import { INestApplicationContext, Logger } from '@nestjs/common';

/** Longer than a Kubernetes preStop pause plus the slowest request we expect to finish. */
export const DRAIN_TIMEOUT_MS = 25_000;

/**
 * On SIGTERM/SIGINT: stop taking new work, let in-flight requests and jobs finish (Nest closes
 * the HTTP server, BullMQ workers, pools), then exit 0; exit 1 if draining takes too long.
 * Used instead of enableShutdownHooks(), which re-raises the signal and so exits non-zero.
 */
export function exitGracefullyOnSignals(app: INestApplicationContext, name: string): void {
  const logger = new Logger('Shutdown');
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: ${name} is draining`);
    const timer = setTimeout(() => {
      logger.error(`${name} did not drain within ${DRAIN_TIMEOUT_MS / 1000} s`);
      process.exit(1);
    }, DRAIN_TIMEOUT_MS);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error(`shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: a second signal (a process group gets it from the terminal or a supervisor,
  // and again from a parent that forwards it) must not kill the process halfway through draining.
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
