import { StreamableFile } from '@nestjs/common';
import express, { type Response } from 'express';
import request from 'supertest';
import { Paginated } from '../dto/paginated';
import { EnvelopingExpressAdapter } from './enveloping-express.adapter';
import { markRawResponse, RawBody } from './response-envelope';

interface ReplyOptions {
  enabled?: boolean;
  status?: number;
  method?: 'get' | 'head';
  /** Runs on the response before the reply (a handler setting a header, a raw route). */
  before?: (res: Response) => void;
}

/** What a real Express response carries when the adapter replies with `body`. */
async function reply(body: unknown, options: ReplyOptions = {}) {
  const adapter = new EnvelopingExpressAdapter();
  adapter.setEnvelopeEnabled(options.enabled ?? true);
  const app = express();
  app.all('/', (_req, res) => {
    options.before?.(res);
    adapter.reply(res, body, options.status);
  });
  return request(app)[options.method ?? 'get']('/');
}

describe('EnvelopingExpressAdapter', () => {
  it('wraps a result in the success envelope, and nothing in data: null', async () => {
    const res = await reply({ id: 'c1' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: 'OK', data: { id: 'c1' } });
    expect((await reply(undefined)).body).toEqual({ success: true, message: 'OK', data: null });
  });

  it('sends JSON as res.json() would: type with charset, exact byte length, the route status', async () => {
    const body = { title: 'Café ✓ '.repeat(300) }; // over 1,000 characters, multi-byte
    const res = await reply(body, { status: 201 });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const text = JSON.stringify({ success: true, message: 'OK', data: body });
    expect(res.text).toBe(text);
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(text));
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await reply({ id: 'c1' }, { method: 'head' });
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBe(
      Buffer.byteLength(JSON.stringify({ success: true, message: 'OK', data: { id: 'c1' } })),
    );
    expect(res.text).toBeUndefined();
  });

  it('keeps a content type the handler chose (Express adds the charset)', async () => {
    const res = await reply(
      { id: 'c1' },
      { before: (r) => r.setHeader('Content-Type', 'application/ld+json') },
    );
    expect(res.headers['content-type']).toBe('application/ld+json; charset=utf-8');
    expect(JSON.parse(res.text)).toEqual({ success: true, message: 'OK', data: { id: 'c1' } });
  });

  it('puts a page in data and its counts in meta', async () => {
    const page = new Paginated([{ id: 'a' }], 41, 2, 20);
    expect((await reply(page)).body).toEqual({
      success: true,
      message: 'OK',
      data: [{ id: 'a' }],
      meta: { page: 2, pageSize: 20, total: 41, totalPages: 3 },
    });
  });

  it('sends the bare payload when the envelope is off, lists still with their meta', async () => {
    expect((await reply({ id: 'c1' }, { enabled: false })).body).toEqual({ id: 'c1' });
    expect((await reply(new Paginated([1], 1, 1, 20), { enabled: false })).body).toEqual({
      data: [1],
      meta: { page: 1, pageSize: 20, total: 1, totalPages: 1 },
    });
  });

  it('sends replays, raw routes, 204s and error statuses as they are', async () => {
    const enveloped = { success: true, message: 'OK', data: { id: 'c1' } };
    expect((await reply(new RawBody(enveloped))).body).toEqual(enveloped);
    expect((await reply({ keys: [] }, { before: markRawResponse })).body).toEqual({ keys: [] });
    const noContent = await reply(undefined, { status: 204 });
    expect(noContent.status).toBe(204);
    expect(noContent.text).toBe('');
    const failed = await reply(
      { statusCode: 500, message: 'Internal server error' },
      { status: 500 },
    );
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ statusCode: 500, message: 'Internal server error' });
  });

  it('streams files as they are', async () => {
    const res = await reply(new StreamableFile(Buffer.from('plain bytes'), { type: 'text/plain' }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain');
    expect(res.text).toBe('plain bytes');
  });
});
