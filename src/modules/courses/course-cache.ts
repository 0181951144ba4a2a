import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { KeyValueStore } from '../../infra/kv/key-value.store';

const TTL_SECONDS = 30;
const VERSION_KEY = 'catalogue:version';
const VERSION_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Short-lived cache of the public views (published courses, catalogue pages), in Redis when
 * configured. Every key contains one version number that any change to a course or its lessons
 * bumps, so all cached entries drop at once whatever their parameters. The version is read before
 * loading, so a load that races with a change is stored under the old version and never served.
 * Cache failures never fail a request: they fall back to the database.
 */
@Injectable()
export class CourseCache {
  private readonly logger = new Logger('CourseCache');

  constructor(private readonly store: KeyValueStore) {}

  /** The cached value for `key` + `params`, or `load()` (cached unless it returns null). */
  async remember<T>(
    key: string,
    params: Record<string, unknown>,
    load: () => Promise<T | null>,
  ): Promise<T | null> {
    const version = await this.version();
    const fullKey = `catalogue:${version ?? 'x'}:${key}:${fingerprint(params)}`;
    if (version !== undefined) {
      const hit = await this.store.get(fullKey).catch(() => null);
      if (hit) return JSON.parse(hit) as T;
    }
    const value = await load();
    if (value !== null && version !== undefined) {
      await this.store
        .set(fullKey, JSON.stringify(value), TTL_SECONDS)
        .catch((error: Error) => this.logger.warn(`cache write failed: ${error.message}`));
    }
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

/** Stable key for a set of query parameters (order-independent, undefined dropped). */
function fingerprint(params: Record<string, unknown>): string {
  const entries = Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 32);
}
