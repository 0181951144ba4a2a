import { Injectable } from '@nestjs/common';
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
const key = (userId: string) => `user-state:${userId}`;

/**
 * Keeps the per-request check cheap: one key-value read instead of a database query. Every write
 * that changes role, activity or token validity deletes the entry (in Redis for all processes).
 */
@Injectable()
export class UserStateCache {
  constructor(private readonly store: KeyValueStore) {}

  async get(userId: string): Promise<UserAuthState | null> {
    const raw = await this.store.get(key(userId));
    return raw ? (JSON.parse(raw) as UserAuthState) : null;
  }

  async set(userId: string, state: UserAuthState): Promise<void> {
    await this.store.set(key(userId), JSON.stringify(state), TTL_SECONDS);
  }

  async invalidate(userId: string): Promise<void> {
    await this.store.delete(key(userId));
  }
}
