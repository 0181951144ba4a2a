import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { KEEP_ALIVE_MS, SseStream } from './sse-stream';

/** A hand-made response: records headers and writes, emits `close` like Node's. */
class FakeResponse extends EventEmitter {
  statusCode = 0;
  headers: Record<string, string> = {};
  written: string[] = [];
  flushed = false;
  ended = false;
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  setHeader(name: string, value: string) {
    this.headers[name.toLowerCase()] = value;
  }
  flushHeaders() {
    this.flushed = true;
  }
  write(chunk: string) {
    this.written.push(chunk);
    return true;
  }
  end() {
    this.ended = true;
    this.emit('close');
  }
}

function open() {
  const req = new EventEmitter();
  const res = new FakeResponse();
  const stream = new SseStream(req as unknown as Request, res as unknown as Response);
  return { req, res, stream };
}

describe('SseStream', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends event-stream headers that no proxy or compression buffers, then a first comment', () => {
    const { res, stream } = open();
    expect(res.flushed).toBe(false);
    stream.start();
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    expect(res.flushed).toBe(true);
    expect(res.written).toEqual([': connected\n\n']);
  });

  it('frames events as `event:` and one `data:` line of JSON', () => {
    const { res, stream } = open();
    stream.send('notification', { id: 'n1', body: 'two\nlines' });
    expect(res.written).toEqual([
      'event: notification\ndata: {"id":"n1","body":"two\\nlines"}\n\n',
    ]);
  });

  it('writes a comment line every 25 s, and stops once the client is gone', async () => {
    const { req, res, stream } = open();
    const closed = jest.fn();
    stream.onClose(closed);
    await jest.advanceTimersByTimeAsync(KEEP_ALIVE_MS - 1);
    expect(res.written).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(res.written).toEqual([': keep-alive\n\n']);
    await jest.advanceTimersByTimeAsync(KEEP_ALIVE_MS);
    expect(res.written).toHaveLength(2);
    req.emit('close');
    expect(closed).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(3 * KEEP_ALIVE_MS);
    stream.send('notification', {});
    expect(res.written).toHaveLength(2);
    expect(KEEP_ALIVE_MS).toBe(25_000);
  });

  it('ends the stream at the first keep-alive whose check fails', async () => {
    const { res, stream } = open();
    const closed = jest.fn();
    stream.onClose(closed);
    let valid = true;
    stream.endUnless(() => Promise.resolve(valid));
    await jest.advanceTimersByTimeAsync(KEEP_ALIVE_MS);
    expect(res.written).toEqual([': keep-alive\n\n']);
    valid = false;
    await jest.advanceTimersByTimeAsync(KEEP_ALIVE_MS);
    expect(res.written).toHaveLength(1);
    expect(res.ended).toBe(true);
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it('ends the response when the server ends the stream, and reports the close once', () => {
    const { res, stream } = open();
    const closed = jest.fn();
    stream.onClose(closed);
    stream.end();
    stream.end();
    expect(res.ended).toBe(true);
    expect(closed).toHaveBeenCalledTimes(1);
    const late = jest.fn();
    stream.onClose(late);
    expect(late).toHaveBeenCalledTimes(1);
  });
});
