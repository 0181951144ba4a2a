/**
 * A small key-value port with expiry, for state that must hold across API processes when Redis is
 * configured (token blacklist, login lockouts, cached user state) and stays in memory otherwise.
 */
export abstract class KeyValueStore {
  abstract get(key: string): Promise<string | null>;
  abstract set(key: string, value: string, ttlSeconds: number): Promise<void>;
  abstract delete(key: string): Promise<void>;
  /** Increments a counter; the expiry is set when the counter is created. Returns the new value. */
  abstract increment(key: string, ttlSeconds: number): Promise<number>;
  /** Seconds until the key expires, or -1 when it does not exist. */
  abstract ttl(key: string): Promise<number>;
  abstract ping(): Promise<void>;
}
