import { StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { PagedObject, Paginated } from '../dto/paginated';

/** A body sent exactly as it is: an idempotent replay of a response enveloped when first sent. */
export class RawBody {
  constructor(readonly body: unknown) {}
}

const rawResponses = new WeakSet<object>();

/** The response of a `@RawResponse()` route: its result is sent as the handler returns it. */
export function markRawResponse(res: Response): void {
  rawResponses.add(res);
}

/**
 * The body the client gets for a handler's result: `{success, message, data, meta?}` when the
 * envelope is enabled; without it, lists still answer `{data, meta}` so that clients keep the page
 * counts. Streams, 204s, error statuses and responses the handler wrote itself are left alone.
 */
export function envelope(body: unknown, res: Response, enabled: boolean): unknown {
  if (body instanceof RawBody) return body.body;
  if (rawResponses.has(res)) return body;
  if (body instanceof StreamableFile || res.headersSent) return body;
  if (res.statusCode === 204 || res.statusCode >= 400) return body;
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
