import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { Broadcaster, BroadcastListener } from './broadcaster';

/**
 * Redis pub/sub. Publishing uses the shared client; listening needs a connection of its own
 * (a subscribed connection can do nothing else), opened on the first subscribe, so processes that
 * only publish (workers) never open it. Channels carry the deployment's key prefix, as keys do.
 * ioredis re-subscribes by itself after a reconnect.
 */
export class RedisBroadcaster extends Broadcaster {
  private readonly logger = new Logger('Broadcaster');
  private readonly channels = new Map<string, Set<BroadcastListener>>();
  private subscriber?: Redis;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.redis.publish(this.name(channel), message);
  }

  async subscribe(channel: string, listener: BroadcastListener): Promise<() => Promise<void>> {
    const subscriber = this.connection();
    let listeners = this.channels.get(channel);
    if (!listeners) {
      listeners = new Set();
      this.channels.set(channel, listeners);
      await subscriber.subscribe(this.name(channel));
    }
    listeners.add(listener);
    const own = listeners;
    return async () => {
      own.delete(listener);
      if (own.size > 0 || this.channels.get(channel) !== own) return;
      this.channels.delete(channel);
      await subscriber.unsubscribe(this.name(channel)).catch(() => undefined);
    };
  }

  /** Closes the listening connection (at shutdown). */
  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.channels.clear();
    if (!subscriber) return;
    if (subscriber.status === 'ready') await subscriber.quit().catch(() => subscriber.disconnect());
    else subscriber.disconnect();
  }

  private connection(): Redis {
    if (this.subscriber) return this.subscriber;
    // No key prefix on channels (ioredis leaves them alone); commands queue until connected.
    const subscriber = this.redis.duplicate({
      keyPrefix: undefined,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    subscriber.on('error', (error: Error) => this.logger.warn(`subscriber: ${error.message}`));
    subscriber.on('message', (channel: string, message: string) => {
      const name = channel.startsWith(this.prefix) ? channel.slice(this.prefix.length) : channel;
      for (const listener of this.channels.get(name) ?? []) listener(message);
    });
    this.subscriber = subscriber;
    return subscriber;
  }

  private name(channel: string): string {
    return `${this.prefix}${channel}`;
  }
}
