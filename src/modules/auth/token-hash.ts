import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, URL-safe: refresh, reset and verification tokens. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
