import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/time/clock';
import { KeyValueStore } from '../../infra/kv/key-value.store';

const TTL_SECONDS = 30;
/** Decoded entries this process keeps (catalogue pages are at most a few dozen KB each). */
export const LOCAL_ENTRIES = 256;
const VERSION_KEY = 'catalogue:version';
const VERSION_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Short-lived cache of the public views (published courses, catalogue pages), in Redis when
 * configured. Every key contains one version number that any change to a course or its lessons
 * bumps, so all cached entries drop at once whatever their parameters. The version is read before
 * loading, so a load that races with a change is stored under the old version and never served.
 * Cache failures never fail a request: they fall back to the database.
 *
 * Each process also keeps the decoded values it served last, under the same versioned keys and
 * for the same 30 s: a hit then costs one read of the version from the store (so a change made
 * through any process is seen at once) and no second read or JSON parse. Values are frozen, since
 * every request shares them.
 */
@Injectable()
export class CourseCache {
  private readonly logger = new Logger('CourseCache');
  /** Full key -> value and the time it expires (ms); in insertion order, oldest first. */
  private readonly local = new Map<string, { value: unknown; expiresAt: number }>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  /** The cached value for `key` + `params`, or `load()` (cached unless it returns null). */
  async remember<T>(
    key: string,
    params: Record<string, unknown>,
    load: () => Promise<T | null>,
  ): Promise<T | null> {
    const version = await this.version();
    const fullKey = `catalogue:${version ?? 'x'}:${key}:${fingerprint(params)}`;
    if (version === undefined) return load();
    const now = this.clock.now().getTime();
    const kept = this.local.get(fullKey);
    if (kept && kept.expiresAt > now) return kept.value as T;
    const hit = await this.store.get(fullKey).catch(() => null);
    if (hit) return this.keep(fullKey, JSON.parse(hit) as T, now);
    const value = await load();
    if (value === null) return null;
    await this.store
      .set(fullKey, JSON.stringify(value), TTL_SECONDS)
      .catch((error: Error) => this.logger.warn(`cache write failed: ${error.message}`));
    return this.keep(fullKey, value, now);
  }

  /** Keeps a decoded value for this process (frozen), dropping expired and the oldest entries. */
  private keep<T>(fullKey: string, value: T, now: number): T {
    for (const [key, entry] of this.local) {
      if (entry.expiresAt <= now || this.local.size >= LOCAL_ENTRIES) this.local.delete(key);
      else break;
    }
    this.local.delete(fullKey);
    this.local.set(fullKey, { value: deepFreeze(value), expiresAt: now + TTL_SECONDS * 1000 });
    return value;
  }

  /** After any change to a course or its lessons. */
  async invalidate(): Promise<void> {
    await this.store
      .increment(VERSION_KEY, VERSION_TTL_SECONDS)
      .catch((error: Error) => this.logger.warn(`cache invalidation failed: ${error.message}`));
  }

  /** undefined when the store cannot be read: then nothing is cached. */
  private async version(): Promise<string | undefined> {
    try {
      return (await this.store.get(VERSION_KEY)) ?? '0';
    } catch {
      return undefined;
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Stable key for a set of query parameters (order-independent, undefined dropped). */
function fingerprint(params: Record<string, unknown>): string {
  const entries = Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 32);
}
