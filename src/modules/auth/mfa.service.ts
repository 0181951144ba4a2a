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
    const step = Math.floor(Date.now() / 1000 / PERIOD_SECONDS) + result.delta;
    const usedKey = `mfa-used:${userId}:${step}`;
    if (await this.store.get(usedKey)) return false;
    await this.store.set(usedKey, '1', PERIOD_SECONDS * 4);
    return true;
  }
}
