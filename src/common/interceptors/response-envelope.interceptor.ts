import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  StreamableFile,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { map, Observable } from 'rxjs';
import { RAW_RESPONSE_KEY } from '../decorators/raw-response.decorator';
import { PagedObject, Paginated } from '../dto/paginated';

export interface SuccessEnvelope<T> {
  success: true;
  message: string;
  data: T;
  meta?: Paginated<unknown>['meta'];
}

/**
 * A body that is already what the client gets (an idempotent replay of an enveloped response):
 * the envelope interceptor sends `body` as it is.
 */
export class EnvelopedBody {
  constructor(readonly body: unknown) {}
}

/**
 * The body the client gets for a handler's result: `{success, message, data, meta?}` when the
 * envelope is enabled; without it, lists still answer `{data, meta}` so that clients keep the page
 * counts. Streams, 204s and responses the handler wrote itself are left alone.
 */
export function envelope(body: unknown, res: Response, enabled: boolean): unknown {
  if (body instanceof EnvelopedBody) return body.body;
  if (body instanceof StreamableFile || res.statusCode === 204 || res.headersSent) return body;
  if (body instanceof Paginated) {
    return enabled
      ? { success: true, message: 'OK', data: body.items, meta: body.meta }
      : { data: body.items, meta: body.meta };
  }
  if (body instanceof PagedObject) {
    const { data, meta } = body as PagedObject<unknown>;
    return enabled ? { success: true, message: 'OK', data, meta } : { data, meta };
  }
  return enabled ? { success: true, message: 'OK', data: body ?? null } : body;
}

/** Applies `envelope` to every handler's result but those of `@RawResponse()` routes. */
@Injectable()
export class ResponseEnvelopeInterceptor implements NestInterceptor {
  /** `@RawResponse()` per controller and handler: decorator metadata, fixed at boot. */
  private readonly rawByRoute = new WeakMap<object, WeakMap<object, boolean>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly enabled: boolean,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = context.switchToHttp().getResponse<Response>();
    if (this.isRaw(context)) return next.handle();
    return next.handle().pipe(map((body: unknown) => envelope(body, res, this.enabled)));
  }

  /** Looked up once per route rather than on every request. */
  private isRaw(context: ExecutionContext): boolean {
    const controller = context.getClass();
    const handler = context.getHandler();
    let byHandler = this.rawByRoute.get(controller);
    if (!byHandler) {
      byHandler = new WeakMap();
      this.rawByRoute.set(controller, byHandler);
    }
    let raw = byHandler.get(handler);
    if (raw === undefined) {
      raw = !!this.reflector.getAllAndOverride<boolean | undefined>(RAW_RESPONSE_KEY, [
        handler,
        controller,
      ]);
      byHandler.set(handler, raw);
    }
    return raw;
  }
}
