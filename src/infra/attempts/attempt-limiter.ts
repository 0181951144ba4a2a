import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountLockedError } from '../../common/errors/app-error';
import { AttemptsRepository } from './attempts.repository';

export interface AttemptPolicy {
  /** Attempts allowed in a window; the one that reaches it locks the key. */
  max: number;
  windowSeconds: number;
  lockSeconds: number;
  /** The 423 message. */
  lockedMessage?: string;
}

/**
 * Brute-force limits that hold under concurrency and across processes: an attempt is counted in
 * PostgreSQL (one atomic statement) BEFORE the check it guards, so N parallel guesses can never
 * test more than `max` of them; the rest get 423 ACCOUNT_LOCKED. Durable, so neither a Redis
 * outage nor a restart resets a count.
 */
@Injectable()
export class AttemptLimiter {
  constructor(private readonly attempts: AttemptsRepository) {}

  /** Counts an attempt; throws AccountLockedError when the key is locked or over its limit. */
  async reserve(key: string, policy: AttemptPolicy): Promise<number> {
    const { attempts, lockedForSeconds } = await this.attempts.reserve(
      key,
      policy.max,
      policy.windowSeconds,
      policy.lockSeconds,
    );
    if (attempts > policy.max) {
      throw new AccountLockedError(lockedForSeconds || policy.lockSeconds, policy.lockedMessage);
    }
    return attempts;
  }

  /** A successful check clears the count (and a lock its own attempt had set). */
  succeeded(key: string): Promise<void> {
    return this.attempts.clear(key);
  }

  /** A plain counter over a window (first use of a TOTP period, mails per address and minute). */
  hit(key: string, windowSeconds: number, manager?: EntityManager): Promise<number> {
    return this.attempts.hit(key, windowSeconds, manager);
  }

  /** Rows whose window and lock ended before `cutoff`. */
  purgeEndedBefore(cutoff: Date): Promise<number> {
    return this.attempts.deleteEndedBefore(cutoff);
  }
}
