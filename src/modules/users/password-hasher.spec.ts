import type { ConfigType } from '@nestjs/config';
import { authConfig } from '../../config/configuration';
import { PasswordHasher } from './password-hasher';

const cfg = {
  jwtSecret: 'unit-test-secret-of-at-least-32-characters',
  accessTokenTtlSeconds: 900,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  encryptionKey: 'unit-test-secret-of-at-least-32-characters',
  argon2MemoryCost: 1024,
  argon2TimeCost: 1,
  loginMaxFailures: 5,
  loginLockSeconds: 900,
} satisfies ConfigType<typeof authConfig>;

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(cfg);
  let hash: string;

  beforeAll(async () => {
    hash = await hasher.hash('correct-horse-7');
  });

  it('hashes with argon2id and the configured costs, never keeping the password', () => {
    const [, variant, version, params, salt, digest] = hash.split('$');
    expect(variant).toBe('argon2id');
    expect(version).toBe('v=19');
    expect(Object.fromEntries(params.split(',').map((p) => p.split('=')))).toMatchObject({
      m: '1024',
      t: '1',
    });
    expect(salt).toMatch(/^[A-Za-z0-9+/]{16,}$/);
    expect(digest).toMatch(/^[A-Za-z0-9+/]{32,}$/);
    expect(hash).not.toContain('correct-horse-7');
  });

  it('salts: the same password hashes differently each time', async () => {
    const again = await hasher.hash('correct-horse-7');
    expect(again).not.toBe(hash);
    await expect(hasher.verify(again, 'correct-horse-7')).resolves.toBe(true);
  });

  it('verifies the right password', async () => {
    await expect(hasher.verify(hash, 'correct-horse-7')).resolves.toBe(true);
  });

  it.each([['correct-horse-8'], ['Correct-horse-7'], ['correct-horse-7 '], ['']])(
    'refuses the wrong password %j',
    async (password) => {
      await expect(hasher.verify(hash, password)).resolves.toBe(false);
    },
  );

  it('returns false (does not throw) when there is no hash, even for the dummy password', async () => {
    await expect(hasher.verify(undefined, 'correct-horse-7')).resolves.toBe(false);
    await expect(hasher.verify(undefined, 'not-a-real-password-0')).resolves.toBe(false);
  });

  it.each([['garbage'], [''], ['$argon2id$v=19$m=1024,t=1,p=1$broken']])(
    'returns false (does not throw) for the malformed hash %j',
    async (garbage) => {
      await expect(hasher.verify(garbage, 'correct-horse-7')).resolves.toBe(false);
    },
  );
});
