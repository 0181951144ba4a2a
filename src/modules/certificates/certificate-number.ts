import { randomInt } from 'node:crypto';

/** Crockford's base32: no I, L, O or U, so numbers read aloud or typed by hand stay unambiguous. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_LENGTH = 10;

export const CERTIFICATE_NUMBER_PATTERN = /^CERT-\d{8}-[0-9A-HJKMNP-TV-Z]{10}$/;

/** `CERT-YYYYMMDD-` + 10 characters from a cryptographic RNG (50 bits). */
export function newCertificateNumber(issuedAt: Date): string {
  const date = issuedAt.toISOString().slice(0, 10).replace(/-/g, '');
  let random = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) random += ALPHABET[randomInt(ALPHABET.length)];
  return `CERT-${date}-${random}`;
}
