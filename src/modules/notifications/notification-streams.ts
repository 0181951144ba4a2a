import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { Broadcaster } from '../../infra/pubsub/broadcaster';
import { NotificationResponse } from './dto/notification.response';
import type { StreamCheck, StreamSink } from './sse-stream';

const CHANNEL = 'notifications';
/** How long a new stream waits for the channel subscription before it opens anyway. */
const JOIN_WAIT_MS = 2_000;
const noop = () => undefined;

/** An open stream, its check, and the chain that keeps its events in order while checked. */
interface Listener {
  sink: StreamSink;
  check: StreamCheck;
  chain: Promise<void>;
}

interface Envelope {
  userId: string;
  notification: NotificationResponse;
}

/**
 * The open notification streams of this process, by user, fed by the broadcast channel: a
 * notification created in any process (the worker, or another API process) is published once
 * and every API process hands it to the streams of its recipient. The channel is joined when the
 * first stream opens, so processes that only publish (workers) never listen. Streams hold no
 * database connection. At shutdown every stream is ended, so that draining does not wait on them.
 */
@Injectable()
export class NotificationStreams implements BeforeApplicationShutdown {
  private readonly logger = new Logger('NotificationStreams');
  private readonly sinks = new Map<string, Set<Listener>>();
  private joined?: Promise<unknown>;
  private closing = false;

  constructor(private readonly broadcaster: Broadcaster) {}

  /**
   * Registers `sink` for `userId` until the returned function is called; each event is sent only
   * while `check` holds, and the first failing check ends the stream (a token revoked meanwhile).
   */
  async open(
    userId: string,
    sink: StreamSink,
    check: StreamCheck = () => Promise.resolve(true),
  ): Promise<() => void> {
    if (this.closing) {
      sink.end();
      return () => undefined;
    }
    await this.join();
    const sinks = this.sinks.get(userId) ?? new Set<Listener>();
    const listener: Listener = { sink, check, chain: Promise.resolve() };
    sinks.add(listener);
    this.sinks.set(userId, sinks);
    return () => {
      sinks.delete(listener);
      if (sinks.size === 0 && this.sinks.get(userId) === sinks) this.sinks.delete(userId);
    };
  }

  /** Sends each notification to its recipient's streams in every API process (best effort). */
  async publish(notifications: Array<{ userId: string; notification: NotificationResponse }>) {
    const outcomes = await Promise.allSettled(
      notifications.map((envelope) =>
        this.broadcaster.publish(CHANNEL, JSON.stringify(envelope satisfies Envelope)),
      ),
    );
    const failed = outcomes.filter((outcome) => outcome.status === 'rejected').length;
    // The rows are stored: a client that missed the live event sees them in GET /notifications.
    if (failed > 0) this.logger.warn(`${failed} notifications not streamed (broadcast failed)`);
  }

  /** Open streams in this process (for tests and metrics). */
  openCount(): number {
    let count = 0;
    for (const sinks of this.sinks.values()) count += sinks.size;
    return count;
  }

  /** Ends every open stream; the channel's connection is closed with the broadcaster's module. */
  beforeApplicationShutdown(): void {
    this.closing = true;
    for (const sinks of this.sinks.values()) for (const { sink } of [...sinks]) sink.end();
    this.sinks.clear();
  }

  /**
   * Joins the channel once. While Redis is unreachable the subscription waits for it (and
   * completes when it is back), so a stream waits at most JOIN_WAIT_MS for it, then opens anyway.
   */
  private async join(): Promise<void> {
    if (!this.joined) {
      const joined = this.broadcaster.subscribe(CHANNEL, (message) => this.deliver(message));
      this.joined = joined;
      // A failed subscribe is retried by the next stream.
      joined.catch(() => {
        if (this.joined === joined) this.joined = undefined;
      });
    }
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, JOIN_WAIT_MS);
      timer.unref();
    });
    try {
      await Promise.race([this.joined.then(noop, noop), waited]);
    } finally {
      clearTimeout(timer);
    }
  }

  private deliver(message: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return;
    }
    for (const listener of this.sinks.get(envelope.userId) ?? []) {
      listener.chain = listener.chain.then(async () => {
        if (await listener.check()) listener.sink.send('notification', envelope.notification);
        else listener.sink.end();
      });
    }
  }
}
