import { StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { Paginated } from '../dto/paginated';
import { EnvelopingExpressAdapter } from './enveloping-express.adapter';
import { markRawResponse, RawBody } from './response-envelope';

/** What the adapter sent: the status and the JSON body (or `sent` for a bodiless send). */
function fakeResponse(statusCode = 200) {
  const sent: { status: number; json?: unknown; sent?: unknown } = { status: statusCode };
  const res = {
    statusCode,
    headersSent: false,
    status(code: number) {
      res.statusCode = code;
      sent.status = code;
      return res;
    },
    json(body: unknown) {
      sent.json = body;
      return res;
    },
    send(body?: unknown) {
      sent.sent = body;
      return res;
    },
    getHeader: () => undefined,
  };
  return { res: res as unknown as Response, sent };
}

function reply(body: unknown, options: { enabled?: boolean; status?: number } = {}) {
  const adapter = new EnvelopingExpressAdapter();
  adapter.setEnvelopeEnabled(options.enabled ?? true);
  const { res, sent } = fakeResponse(options.status);
  adapter.reply(res, body, options.status);
  return sent;
}

describe('EnvelopingExpressAdapter', () => {
  it('wraps a result in the success envelope, and nothing in data: null', () => {
    expect(reply({ id: 'c1' })).toEqual({
      status: 200,
      json: { success: true, message: 'OK', data: { id: 'c1' } },
    });
    expect(reply(undefined).json).toEqual({ success: true, message: 'OK', data: null });
  });

  it('puts a page in data and its counts in meta', () => {
    const page = new Paginated([{ id: 'a' }], 41, 2, 20);
    expect(reply(page).json).toEqual({
      success: true,
      message: 'OK',
      data: [{ id: 'a' }],
      meta: { page: 2, pageSize: 20, total: 41, totalPages: 3 },
    });
  });

  it('sends the bare payload when the envelope is off, lists still with their meta', () => {
    expect(reply({ id: 'c1' }, { enabled: false }).json).toEqual({ id: 'c1' });
    expect(reply(new Paginated([1], 1, 1, 20), { enabled: false }).json).toEqual({
      data: [1],
      meta: { page: 1, pageSize: 20, total: 1, totalPages: 1 },
    });
  });

  it('sends replays, raw routes, 204s and error statuses as they are', () => {
    const enveloped = { success: true, message: 'OK', data: { id: 'c1' } };
    expect(reply(new RawBody(enveloped)).json).toBe(enveloped);
    const raw = fakeResponse();
    markRawResponse(raw.res);
    new EnvelopingExpressAdapter().reply(raw.res, { keys: [] }, 200);
    expect(raw.sent.json).toEqual({ keys: [] });
    expect(reply(undefined, { status: 204 })).toEqual({ status: 204, sent: undefined });
    expect(reply({ statusCode: 500, message: 'Internal server error' }, { status: 500 })).toEqual({
      status: 500,
      json: { statusCode: 500, message: 'Internal server error' },
    });
  });

  it('leaves files to the stream handling', () => {
    const { res } = fakeResponse();
    const adapter = new EnvelopingExpressAdapter();
    const file = new StreamableFile(Buffer.from('x'));
    const spy = jest
      .spyOn(Object.getPrototypeOf(EnvelopingExpressAdapter.prototype), 'reply')
      .mockReturnValue(undefined);
    adapter.reply(res, file, 200);
    expect(spy).toHaveBeenCalledWith(res, file, 200);
    spy.mockRestore();
  });
});
