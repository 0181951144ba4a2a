import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Role } from '../../common/auth/roles';
import { KeyValueStore } from '../../infra/kv/key-value.store';

/** What the authentication guard needs to know about a user on every request. */
export interface UserAuthState {
  role: Role;
  active: boolean;
  /** Tokens with `iat` (unix seconds) below this are refused. */
  tokensValidAfter: number;
}

const TTL_SECONDS = 60;
const PREFIX = 'user-state:';
const key = (userId: string) => `${PREFIX}${userId}`;

/**
 * Keeps the per-request check cheap: one key-value read instead of a database query. Every write
 * that changes role, activity or token validity deletes the entry (in Redis for all processes).
 * Only a cache: while the store is untrusted it is neither read nor written (the database
 * answers), and when it comes back every entry is dropped, since deletions may have been missed.
 */
@Injectable()
export class UserStateCache implements OnModuleInit {
  constructor(private readonly store: KeyValueStore) {}

  onModuleInit(): void {
    this.store.onRecovery(() => this.store.deleteByPrefix(PREFIX));
  }

  async get(userId: string): Promise<UserAuthState | null> {
    if (!this.store.isTrusted()) return null;
    const raw = await this.store.get(key(userId)).catch(() => null);
    return raw ? (JSON.parse(raw) as UserAuthState) : null;
  }

  async set(userId: string, state: UserAuthState): Promise<void> {
    if (!this.store.isTrusted()) return;
    await this.store.set(key(userId), JSON.stringify(state), TTL_SECONDS).catch(() => undefined);
  }

  /** A deletion the store missed leaves it stale until its recovery drops every entry. */
  async invalidate(userId: string): Promise<void> {
    await this.store.delete(key(userId)).catch(() => this.store.markStale());
  }
}
