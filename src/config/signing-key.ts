import { createPrivateKey } from 'node:crypto';

/**
 * CREDENTIAL_SIGNING_KEY is a PKCS#8 PEM of an Ed25519 private key. Environments that cannot
 * hold newlines may write them as `\n`.
 */
export function signingKeyPem(value: string): string {
  return value.includes('\\n') ? value.replace(/\\n/g, '\n') : value;
}

/** Why the value is not a usable Ed25519 PKCS#8 PEM, or undefined. Never echoes the key. */
export function signingKeyProblem(value: string): string | undefined {
  const pem = signingKeyPem(value).trim();
  if (!pem.startsWith('-----BEGIN PRIVATE KEY-----')) {
    return 'must be a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)';
  }
  try {
    const key = createPrivateKey({ key: pem, format: 'pem' });
    return key.asymmetricKeyType === 'ed25519'
      ? undefined
      : `must be an Ed25519 key (got ${key.asymmetricKeyType})`;
  } catch {
    return 'cannot be read as a private key';
  }
}
