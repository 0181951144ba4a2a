/** A listener of one channel; gets each message as published. */
export type BroadcastListener = (message: string) => void;

/**
 * Fire-and-forget messages to every process of the deployment (Redis pub/sub), or to this
 * process only when Redis is not configured. Nothing is stored: a process that is not listening
 * at the time misses the message, so consumers keep the durable copy elsewhere.
 */
export abstract class Broadcaster {
  /** Sends `message` to every listener of `channel`; rejects when the message could not be sent. */
  abstract publish(channel: string, message: string): Promise<void>;

  /** Listens to `channel` until the returned function is called. */
  abstract subscribe(channel: string, listener: BroadcastListener): Promise<() => Promise<void>>;
}
