import { KeyValueStore, RecoveryHook } from './key-value.store';

interface Entry {
  value: string;
  expiresAt: number;
}

/** Single-process implementation for the embedded default (no REDIS_URL). */
export class MemoryKeyValueStore extends KeyValueStore {
  private readonly entries = new Map<string, Entry>();
  private pending = 0;

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.sweep();
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    const entry = this.live(key);
    const next = (entry ? Number(entry.value) : 0) + 1;
    this.entries.set(key, {
      value: String(next),
      expiresAt: entry?.expiresAt ?? this.now() + ttlSeconds * 1000,
    });
    return next;
  }

  async ttl(key: string): Promise<number> {
    const entry = this.live(key);
    return entry ? Math.ceil((entry.expiresAt - this.now()) / 1000) : -1;
  }

  async ping(): Promise<void> {}

  /** Memory never misses a write; it is only untrusted while a start-up hook fills it. */
  isTrusted(): boolean {
    return this.pending === 0;
  }

  /** Runs the hook until it succeeds (it fills memory from PostgreSQL, which may be starting). */
  onRecovery(hook: RecoveryHook): void {
    this.pending += 1;
    const attempt = (): void => {
      hook().then(
        () => (this.pending -= 1),
        () => setTimeout(attempt, 1_000).unref(),
      );
    };
    attempt();
  }

  markStale(): void {}

  async deleteByPrefix(prefix: string): Promise<void> {
    for (const key of [...this.entries.keys()])
      if (key.startsWith(prefix)) this.entries.delete(key);
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Keeps memory bounded: expired entries go whenever a new key is written. */
  private sweep(): void {
    if (this.entries.size < 10_000) return;
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
