import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { errorEnvelope } from '../dto/error-envelope';
import { AppError, ErrorDetail } from '../errors/app-error';
import { errorCodeForStatus, type ErrorStatusMap } from '../errors/error-codes';
import { requestIdOf } from '../http/request-context';
import { reportError } from '../errors/error-reporter';

interface NormalizedError {
  status: number;
  code: string;
  message: string;
  details: ErrorDetail[];
  headers: Record<string, string>;
  data?: unknown;
}

const GENERIC_500 = 'Internal server error';

/**
 * The one place where errors become responses. AppErrors carry their own code, whose status comes
 * from the exhaustive code -> status map it is given (src/error-codes.ts: common/ cannot see the
 * modules' codes); Nest and library HttpExceptions get the code of their status; anything else is
 * logged and answered as a bare 500, so stack traces, SQL and internals never reach a client.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  constructor(private readonly statusOf: ErrorStatusMap) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const error = this.normalize(exception);

    if (error.status >= 500) {
      reportError(exception);
      this.logger.error(
        { error: describeForLog(exception), requestId: requestIdOf(req) },
        'request failed',
      );
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    res
      .status(error.status)
      .json(errorEnvelope(error.code, error.message, error.details, requestIdOf(req), error.data));
  }

  private normalize(exception: unknown): NormalizedError {
    if (exception instanceof AppError) {
      return {
        status: this.statusOf(exception.code),
        code: exception.code,
        message: exception.message,
        details: exception.details,
        headers: exception.headers,
        data: exception.data,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return {
        status,
        code: errorCodeForStatus(status),
        message: status >= 500 ? GENERIC_500 : httpExceptionMessage(exception),
        details: [],
        headers: {},
      };
    }
    const clientError = bodyParserError(exception);
    if (clientError) return clientError;
    return { status: 500, code: 'INTERNAL_ERROR', message: GENERIC_500, details: [], headers: {} };
  }
}

/**
 * What a log line may say about an unexpected error: its type, message and driver code. Not the
 * stack, and not the SQL text or parameters that query errors carry (they can hold secrets).
 */
function describeForLog(exception: unknown): Record<string, unknown> {
  if (!(exception instanceof Error)) return { type: typeof exception };
  const code = (exception as { code?: unknown; driverError?: { code?: unknown } }).driverError
    ?.code;
  return { type: exception.name, message: exception.message, ...(code ? { code } : {}) };
}

const BODY_ERROR_MESSAGES: Record<number, string> = {
  400: 'Malformed request body',
  413: 'Request body too large',
  415: 'Unsupported request body encoding',
};

/** body-parser's errors (http-errors with `expose`) are the client's fault: keep their 4xx status. */
function bodyParserError(exception: unknown): NormalizedError | undefined {
  const error = exception as { status?: unknown; expose?: unknown; type?: unknown } | null;
  if (!error || typeof error.status !== 'number' || error.expose !== true) return undefined;
  if (error.status < 400 || error.status >= 500) return undefined;
  return {
    status: error.status,
    code: errorCodeForStatus(error.status),
    message: BODY_ERROR_MESSAGES[error.status] ?? 'Bad request',
    details: [],
    headers: {},
  };
}

function httpExceptionMessage(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return exception.message;
}
