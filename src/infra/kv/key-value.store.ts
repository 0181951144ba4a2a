/** Brings the store back in line with the durable state before it is trusted again. */
export type RecoveryHook = () => Promise<void>;

/**
 * A small key-value port with expiry: caches and the fast path of state whose truth lives in
 * PostgreSQL (token revocations, cached user state). Redis when configured, memory otherwise.
 *
 * The store is *trusted* when it answers and nothing was written around it since the last
 * recovery: until then (Redis down, just reconnected, a write failed) callers read PostgreSQL.
 */
export abstract class KeyValueStore {
  /** Whether reads may be believed: connected, and every recovery hook ran since it came back. */
  abstract isTrusted(): boolean;
  /**
   * Runs `hook` now and each time the store comes back (reconnect, or after a failed write), and
   * keeps the store untrusted until every hook has succeeded.
   */
  abstract onRecovery(hook: RecoveryHook): void;
  /** Marks the store stale (a write that the store missed): untrusted until hooks ran again. */
  abstract markStale(): void;
  /** Deletes every key that starts with `prefix`. */
  abstract deleteByPrefix(prefix: string): Promise<void>;
  abstract get(key: string): Promise<string | null>;
  abstract set(key: string, value: string, ttlSeconds: number): Promise<void>;
  abstract delete(key: string): Promise<void>;
  /** Increments a counter; the expiry is set when the counter is created. Returns the new value. */
  abstract increment(key: string, ttlSeconds: number): Promise<number>;
  /** Seconds until the key expires, or -1 when it does not exist. */
  abstract ttl(key: string): Promise<number>;
  abstract ping(): Promise<void>;
}
