import type { Request, Response } from 'express';

/** The comment line that keeps idle streams open through proxies (contract: every 25 s). */
export const KEEP_ALIVE_MS = 25_000;

/** What the notification hub needs of one open stream. */
export interface StreamSink {
  send(event: string, data: unknown): void;
  end(): void;
}

/** Whether the stream's credentials still hold (checked before each event and keep-alive). */
export type StreamCheck = () => Promise<boolean>;

/**
 * One Server-Sent Events response: headers, `event:`/`data:` frames, a comment line every
 * KEEP_ALIVE_MS, and `onClose` once, whether the client left or the server ended the stream.
 * `Cache-Control: no-transform` keeps the compression middleware from buffering the frames.
 */
export class SseStream implements StreamSink {
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private readonly closeListeners: Array<() => void> = [];
  private check: StreamCheck = () => Promise.resolve(true);

  constructor(
    req: Request,
    private readonly res: Response,
    keepAliveMs = KEEP_ALIVE_MS,
  ) {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    this.timer = setInterval(() => void this.keepAlive(), keepAliveMs);
    this.timer.unref();
    req.on('close', () => this.close());
    res.on('close', () => this.close());
  }

  /** Sends the headers and a first comment: the client's `open` means the stream is listening. */
  start(): void {
    if (this.closed) return;
    this.res.flushHeaders();
    this.write(': connected\n\n');
  }

  /** Ends the stream at the first keep-alive where `check` fails (a logout, a deactivation). */
  endUnless(check: StreamCheck): void {
    this.check = check;
  }

  /** Runs `listener` once when the stream closes, for any reason. */
  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  send(event: string, data: unknown): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  end(): void {
    if (!this.closed) this.res.end();
    this.close();
  }

  private async keepAlive(): Promise<void> {
    if (await this.check()) this.write(': keep-alive\n\n');
    else this.end();
  }

  private write(frame: string): void {
    if (!this.closed) this.res.write(frame);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
