import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  NestInterceptor,
  StreamableFile,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Request, Response } from 'express';
import { catchError, concatMap, defer, from, Observable, of, switchMap, throwError } from 'rxjs';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { ValidationFailedError } from '../../common/errors/app-error';
import { envelope, RawBody } from '../../common/http/response-envelope';
import { Clock } from '../../common/time/clock';
import { appConfig } from '../../config/configuration';
import { SecretBox } from '../crypto/secret-box';
import { requestFingerprint } from './fingerprint';
import {
  IDEMPOTENCY_HEADER,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  REPLAYED_HEADER,
} from './idempotency.constants';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError } from './idempotency.errors';
import { IdempotencyStore, StoredResponse } from './idempotency.store';

/** Response headers kept with the first response and replayed. */
const KEPT_HEADERS = ['location'];

/**
 * `Idempotency-Key` on the routes marked `@Idempotent()` (which apply it). It sees the handler's
 * result before the envelope is applied (as the response is sent), so it keeps the enveloped body
 * (`envelope()`), exactly what the client got, and replays it as a `RawBody`, sent untouched.
 * Only successful (2xx) first responses are kept:
 * a first request that fails (4xx, 5xx or thrown) releases the key, so a corrected retry with the
 * same key runs for real (a 4xx changed nothing, so there is nothing to protect).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
    private readonly store: IdempotencyStore,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>();
    const res = context.switchToHttp().getResponse<Response>();
    const key = req.headers[IDEMPOTENCY_HEADER.toLowerCase()];
    if (key === undefined) return next.handle();
    if (typeof key !== 'string' || key.length < 1 || key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
      return throwError(
        () =>
          new ValidationFailedError([
            {
              field: IDEMPOTENCY_HEADER,
              message: `must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters long`,
            },
          ]),
      );
    }
    const scope = req.user ? `user:${req.user.id}` : `ip:${req.ip ?? 'unknown'}`;
    const fingerprint = requestFingerprint({
      method: req.method,
      url: req.originalUrl,
      contentType: req.headers['content-type'],
      contentLength: req.headers['content-length'],
      body: req.body as unknown,
    });
    return defer(() => this.store.claim(scope, key, fingerprint, this.clock.now())).pipe(
      switchMap((outcome) => {
        switch (outcome.kind) {
          case 'mismatch':
            return throwError(() => new IdempotencyKeyReusedError());
          case 'in-use':
            return throwError(() => new IdempotencyKeyInUseError());
          case 'replay':
            return of(this.replay(res, outcome.response));
          case 'claimed':
            return this.firstRun(next, res, scope, key);
        }
      }),
    );
  }

  private firstRun(
    next: CallHandler,
    res: Response,
    scope: string,
    key: string,
  ): Observable<unknown> {
    return next.handle().pipe(
      concatMap((body: unknown) =>
        from(this.keep(res, scope, key, body)).pipe(switchMap(() => of(body))),
      ),
      catchError((error: unknown) =>
        from(this.store.release(scope, key)).pipe(
          catchError(() => of(null)),
          switchMap(() => throwError(() => error)),
        ),
      ),
    );
  }

  private async keep(res: Response, scope: string, key: string, body: unknown): Promise<void> {
    if (res.statusCode >= 300 || body instanceof StreamableFile) {
      await this.store.release(scope, key);
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = res.getHeader(name);
      if (typeof value === 'string') headers[name] = value;
    }
    const response: StoredResponse = {
      status: res.statusCode,
      headers,
      body: this.sealed(envelope(body, res, this.app.responseEnvelope)),
    };
    try {
      await this.store.complete(scope, key, response);
    } catch (error) {
      // The change is made: answering 500 would invite a retry that makes it twice. The record
      // stays `running` (409 to retries) until it counts as abandoned.
      this.logger.warn(`could not store an idempotent response: ${(error as Error).message}`);
    }
  }

  private sealed(clientBody: unknown): string | null {
    return clientBody === undefined || clientBody === null
      ? null
      : this.box.seal(JSON.stringify(clientBody));
  }

  private replay(res: Response, stored: StoredResponse): unknown {
    res.status(stored.status);
    for (const [name, value] of Object.entries(stored.headers)) res.setHeader(name, value);
    res.setHeader(REPLAYED_HEADER, 'true');
    if (stored.body === null) return undefined;
    return new RawBody(JSON.parse(this.box.open(stored.body)) as unknown);
  }
}
