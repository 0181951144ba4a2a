import { ExpressAdapter } from '@nestjs/platform-express';
import type { Response } from 'express';
import { envelope } from './response-envelope';

/**
 * Express, with every handler's result wrapped in the response envelope as Nest sends it
 * (`envelope()`; `@RawResponse()` routes and idempotent replays are sent as they are). Done here
 * rather than by a global interceptor: Nest runs each global interceptor, on every request, through
 * an rxjs chain and two `AsyncResource.bind` calls, 5-7 % of a cached catalogue request
 * (bench/RESULTS.md, issue 23). Error responses are written by the exception filter.
 *
 * Every application that serves requests is created with it (main.ts, the tests, the in-process
 * benchmarks); configureApp refuses any other adapter and sets RESPONSE_ENVELOPE_ENABLED on it.
 */
export class EnvelopingExpressAdapter extends ExpressAdapter {
  private enabled = true;

  /** RESPONSE_ENVELOPE_ENABLED (false: lists still answer `{data, meta}`). */
  setEnvelopeEnabled(enabled: boolean): void {
    this.enabled = enabled;
  }

  override reply(response: Response, body: unknown, statusCode?: number): unknown {
    // Nest's own last-resort error body (a 500 when a filter fails) is not a success.
    if (statusCode !== undefined && statusCode >= 400)
      return super.reply(response, body, statusCode);
    return super.reply(response, envelope(body, response, this.enabled), statusCode);
  }
}
