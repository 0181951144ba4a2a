import { Injectable } from '@nestjs/common';
import { generateSecret, generateURI, verify } from 'otplib';
import { KeyValueStore } from '../../infra/kv/key-value.store';
import { APP_NAME } from '../../infra/mail/mail-template.renderer';

const PERIOD_SECONDS = 30;

/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s) with one step of clock drift either way. A code that
 * was accepted once cannot be replayed while it is still valid.
 */
@Injectable()
export class MfaService {
  constructor(private readonly store: KeyValueStore) {}

  newSecret(): string {
    return generateSecret();
  }

  otpauthUrl(secret: string, email: string): string {
    return generateURI({ issuer: APP_NAME, label: email, secret });
  }

  async check(userId: string, secret: string, code: string): Promise<boolean> {
    if (!/^\d{6}$/.test(code)) return false;
    const result = await verify({ secret, token: code, epochTolerance: PERIOD_SECONDS });
    if (!result.valid) return false;
    // The matched period (not the clock after the await), and an atomic first-use check, so a
    // code cannot be used twice, even by two requests at the same moment.
    const period =
      'epoch' in result && typeof result.epoch === 'number'
        ? result.epoch
        : (Math.floor(Date.now() / 1000 / PERIOD_SECONDS) + result.delta) * PERIOD_SECONDS;
    const uses = await this.store.increment(`mfa-used:${userId}:${period}`, PERIOD_SECONDS * 4);
    return uses === 1;
  }
}
