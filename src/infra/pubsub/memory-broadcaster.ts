import { Broadcaster, BroadcastListener } from './broadcaster';

/** This process only: what a single API process without Redis needs. */
export class MemoryBroadcaster extends Broadcaster {
  private readonly channels = new Map<string, Set<BroadcastListener>>();

  publish(channel: string, message: string): Promise<void> {
    for (const listener of this.channels.get(channel) ?? []) listener(message);
    return Promise.resolve();
  }

  subscribe(channel: string, listener: BroadcastListener): Promise<() => Promise<void>> {
    const listeners = this.channels.get(channel) ?? new Set<BroadcastListener>();
    listeners.add(listener);
    this.channels.set(channel, listeners);
    return Promise.resolve(() => {
      listeners.delete(listener);
      if (listeners.size === 0) this.channels.delete(channel);
      return Promise.resolve();
    });
  }
}
