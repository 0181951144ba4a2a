import { StreamableFile } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Response } from 'express';
import { envelope } from './response-envelope';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

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
    const sent = envelope(body, response, this.enabled);
    if (statusCode) response.status(statusCode);
    return isJsonDocument(sent, response) ? sendJson(response, sent) : super.reply(response, sent);
  }
}

/**
 * A result Express would send with `res.json()` as `application/json; charset=utf-8`: an object
 * (not a file, a buffer or an error), a status with a body, no content type chosen by the
 * handler, headers not yet sent.
 */
function isJsonDocument(body: unknown, res: Response): body is object {
  if (typeof body !== 'object' || body === null) return false;
  if (body instanceof StreamableFile || body instanceof Error || ArrayBuffer.isView(body)) {
    return false;
  }
  const status = res.statusCode;
  if (status === 204 || status === 205 || status === 304) return false;
  return !res.headersSent && !res.hasHeader('Content-Type');
}

/**
 * What `res.json()` sends for such a body (ETags are off, so no 304 can apply), without its
 * detours on every response: it looks the content type up, parses and re-formats it after setting
 * it, checks freshness, and copies a text of 1,000 characters or more into a Buffer to measure
 * it. The text goes to the socket as it is (as fast as a Buffer for a catalogue page: 0.07 ms of
 * CPU per 14 KB response either way, bench/RESULTS.md, issue 23).
 */
function sendJson(res: Response, body: object): Response {
  const text = JSON.stringify(body) ?? ''; // `undefined` only from a toJSON() giving nothing
  res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(text, 'utf8'));
  if (res.req.method === 'HEAD') res.end();
  else res.end(text, 'utf8');
  return res;
}
