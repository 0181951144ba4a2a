import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { generateSecret, generateURI, verify } from 'otplib';
import { authConfig } from '../../config/configuration';
import { AttemptLimiter, AttemptPolicy } from '../../infra/attempts/attempt-limiter';
import { APP_NAME } from '../../infra/mail/mail-template.renderer';

const PERIOD_SECONDS = 30;
export const MFA_MAX_FAILURES = 5;

export interface MfaCheck {
  ok: boolean;
  /** This check's number among the account's consecutive failed ones (1-based). */
  attempt: number;
}

/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s) with one step of clock drift either way. Wrong codes are
 * counted per account, before the code is checked, in PostgreSQL: five lock the account's MFA step
 * for LOGIN_LOCK_SECONDS (423) however many challenges or parallel requests are used. A code that
 * was accepted once cannot be replayed while it is still valid.
 */
@Injectable()
export class MfaService {
  private readonly policy: AttemptPolicy;

  constructor(
    private readonly attempts: AttemptLimiter,
    @Inject(authConfig.KEY) cfg: ConfigType<typeof authConfig>,
  ) {
    this.policy = {
      max: MFA_MAX_FAILURES,
      windowSeconds: cfg.loginLockSeconds,
      lockSeconds: cfg.loginLockSeconds,
      lockedMessage: 'Too many wrong authentication codes: try again later',
    };
  }

  newSecret(): string {
    return generateSecret();
  }

  otpauthUrl(secret: string, email: string): string {
    return generateURI({ issuer: APP_NAME, label: email, secret });
  }

  /** Counts the attempt (423 when over the limit), then checks the code. */
  async check(userId: string, secret: string, code: string): Promise<MfaCheck> {
    const key = `mfa:${userId}`;
    const attempt = await this.attempts.reserve(key, this.policy);
    const ok = await this.matches(userId, secret, code);
    if (ok) await this.attempts.succeeded(key);
    return { ok, attempt };
  }

  private async matches(userId: string, secret: string, code: string): Promise<boolean> {
    if (!/^\d{6}$/.test(code)) return false;
    const result = await verify({ secret, token: code, epochTolerance: PERIOD_SECONDS });
    if (!result.valid) return false;
    // The matched period (not the clock after the await), and an atomic first-use count, so a
    // code cannot be used twice, even by two requests at the same moment.
    const period =
      'epoch' in result && typeof result.epoch === 'number'
        ? result.epoch
        : (Math.floor(Date.now() / 1000 / PERIOD_SECONDS) + result.delta) * PERIOD_SECONDS;
    const uses = await this.attempts.hit(`mfa-used:${userId}:${period}`, PERIOD_SECONDS * 4);
    return uses === 1;
  }
}
