import { RequestMethod } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { levels } from 'pino';
import { appConfig } from '../../config/configuration';
import { requestIdOf } from '../../common/http/request-context';

/** Paths pino removes from every log line: credentials, tokens and passwords never reach logs. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-vault-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.mfaToken',
  '*.secret',
  '*.code',
];

const QUIET_ROUTES = ['/api/v1/health', '/api/v1/ready', '/metrics'];

/** pino-http writes its one line per response at this level (its default `useLevel`). */
const REQUEST_LOG_LEVEL = 'info';

/**
 * Whether a logger at `level` writes lines of `lineLevel`. Above `info` (the usual production
 * `warn`) the per-response line can never be written, so pino-http's automatic logging is turned
 * off rather than built and discarded for every request: the output is the same.
 */
export function writesAt(level: string, lineLevel: string): boolean {
  const threshold = levels.values[level] ?? Infinity; // `silent` (or unknown): nothing is written
  return levels.values[lineLevel] >= threshold;
}

/**
 * JSON logs (pretty in development) with the request id on every line. Built in a function, not a
 * shared constant, so that each application (API, worker, test) gets its own instance.
 */
export function createLoggingModule() {
  return LoggerModule.forRootAsync({
    inject: [appConfig.KEY],
    useFactory: (app: ConfigType<typeof appConfig>) => ({
      forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
      pinoHttp: {
        level: app.logLevel,
        genReqId: (req) => requestIdOf(req) || 'unknown',
        customProps: (req) => ({ requestId: requestIdOf(req) }),
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
        autoLogging: writesAt(app.logLevel, REQUEST_LOG_LEVEL)
          ? { ignore: (req) => QUIET_ROUTES.includes(req.url ?? '') }
          : false,
        serializers: {
          req: (req: { id: string; method: string; url: string }) => ({
            id: req.id,
            method: req.method,
            url: req.url,
          }),
        },
        transport:
          app.nodeEnv === 'development'
            ? { target: 'pino-pretty', options: { singleLine: true, colorize: true } }
            : undefined,
      },
    }),
  });
}
