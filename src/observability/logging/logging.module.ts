import { RequestMethod } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { levels } from 'pino';
import { appConfig } from '../../config/configuration';
import { requestIdOf } from '../../common/http/request-context';
import { currentRequestScope } from '../../common/http/request-scope';

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
 * `warn`) the per-response line can never be written, so pino-http's middleware is not mounted
 * rather than run for every request: the output is the same.
 */
export function writesAt(level: string, lineLevel: string): boolean {
  const threshold = levels.values[level] ?? Infinity; // `silent` (or unknown): nothing is written
  return levels.values[lineLevel] >= threshold;
}

/** Development: `12:00:00 INFO GET /api/v1/courses 200 12 ms [request id]`, one line each. */
const DEVELOPMENT_TRANSPORT = {
  target: 'pino-pretty',
  options: {
    singleLine: true,
    colorize: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,req,res,responseTime,requestId,context',
    messageFormat: '{if context}[{context}] {end}{msg}{if requestId} [{requestId}]{end}',
  },
};

function requestLine(
  req: { method?: string; originalUrl?: string; url?: string },
  res: { statusCode: number },
  responseTime?: number,
): string {
  const ms = responseTime === undefined ? '' : ` ${Math.round(responseTime)} ms`;
  return `${req.method} ${req.originalUrl ?? req.url} ${res.statusCode}${ms}`;
}

/** `{ requestId }` on every line written while serving a request (pino's `mixin`). */
export function requestIdBinding(): { requestId?: string } {
  const scope = currentRequestScope();
  return scope ? { requestId: scope.requestId } : {};
}

/**
 * JSON logs (pretty in development) with the request id on every line written while serving a
 * request (from the request scope, `requestIdBinding`). Built in a function, not a shared
 * constant, so that each application (API, worker, test) gets its own instance.
 *
 * pino-http's middleware (a child logger per request, bound to the serialized request) is
 * mounted only where its one line per response can be written (`info` and below); at the usual
 * production `warn` it would cost every request for lines that are never written.
 */
export function createLoggingModule() {
  return LoggerModule.forRootAsync({
    inject: [appConfig.KEY],
    useFactory: (app: ConfigType<typeof appConfig>) => {
      const logsResponses = writesAt(app.logLevel, REQUEST_LOG_LEVEL);
      return {
        forRoutes: logsResponses ? [{ path: '{*splat}', method: RequestMethod.ALL }] : [],
        pinoHttp: {
          level: app.logLevel,
          mixin: requestIdBinding,
          genReqId: (req) => requestIdOf(req) || 'unknown',
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          // Only mounted where it is written (logsResponses): probes and scrapes stay quiet.
          autoLogging: { ignore: (req) => QUIET_ROUTES.includes(req.url ?? '') },
          // One short line per response: `GET /api/v1/courses 200 12 ms`, with the request id.
          customSuccessMessage: requestLine,
          customErrorMessage: (req, res) => requestLine(req, res),
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              url: req.url,
            }),
            // The status only: response headers made every line about 950 characters long.
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          transport: app.nodeEnv === 'development' ? DEVELOPMENT_TRANSPORT : undefined,
        },
      };
    },
  });
}
