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
 * Wraps handler results in `{success, message, data, meta?}` (when enabled). Streams, 204s and
 * handlers that write the response themselves are left alone. With the envelope disabled, lists
 * still answer `{data, meta}` so that clients keep the page counts.
 */
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
    return next.handle().pipe(
      map((body: unknown) => {
        if (body instanceof StreamableFile || res.statusCode === 204 || res.headersSent) {
          return body;
        }
        if (body instanceof Paginated) {
          return this.enabled
            ? { success: true, message: 'OK', data: body.items, meta: body.meta }
            : { data: body.items, meta: body.meta };
        }
        if (body instanceof PagedObject) {
          const { data, meta } = body as PagedObject<unknown>;
          return this.enabled ? { success: true, message: 'OK', data, meta } : { data, meta };
        }
        return this.enabled ? { success: true, message: 'OK', data: body ?? null } : body;
      }),
    );
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
