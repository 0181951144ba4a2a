import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { SecretBox } from './secret-box';

const KEY_MATERIAL = 'a-key-of-at-least-thirty-two-characters!';
const KEY = createHash('sha256').update(KEY_MATERIAL, 'utf8').digest();

/** The documented v1 format, written without SecretBox. */
function sealedByHand(plaintext: string): string {
  const iv = Buffer.alloc(12, 7);
  const cipher = createCipheriv('aes-256-gcm', KEY, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', ...[iv, cipher.getAuthTag(), data].map((part) => part.toString('base64url'))].join(
    '.',
  );
}

describe('SecretBox', () => {
  const box = new SecretBox(KEY_MATERIAL);

  it('opens what it sealed', () => {
    expect(box.open(box.seal('JBSWY3DPEHPK3PXP'))).toBe('JBSWY3DPEHPK3PXP');
  });

  it('never stores the plaintext and uses a fresh IV each time', () => {
    const a = box.seal('JBSWY3DPEHPK3PXP');
    const b = box.seal('JBSWY3DPEHPK3PXP');
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(a).not.toEqual(b);
  });

  it('refuses a tampered value', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('other').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
  });

  it('refuses a value sealed under another key', () => {
    const other = new SecretBox('another-key-of-at-least-thirty-two-chars');
    expect(() => box.open(other.seal('secret'))).toThrow();
  });

  describe('the v1 format', () => {
    it('seals to v1.<iv>.<tag>.<ciphertext> in base64url under the SHA-256 of the key', () => {
      const plaintext = 'clé secrète ✓';
      const [version, iv, tag, data, ...rest] = box.seal(plaintext).split('.');
      expect(version).toBe('v1');
      expect(rest).toEqual([]);
      expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
      expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
      const decipher = createDecipheriv('aes-256-gcm', KEY, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const opened = Buffer.concat([
        decipher.update(Buffer.from(data, 'base64url')),
        decipher.final(),
      ]);
      expect(opened.toString('utf8')).toBe(plaintext);
    });

    it('opens a v1 value sealed elsewhere with the same key', () => {
      expect(box.open(sealedByHand('JBSWY3DPEHPK3PXP'))).toBe('JBSWY3DPEHPK3PXP');
    });

    it('opens an empty secret (its ciphertext part is empty)', () => {
      const sealed = box.seal('');
      expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.$/);
      expect(box.open(sealed)).toBe('');
    });
  });

  describe('malformed sealed values', () => {
    // Cut from a value sealed by hand, so that the cases do not depend on seal().
    const [, iv, tag, data] = sealedByHand('secret').split('.');

    it.each([
      ['another version', `v2.${iv}.${tag}.${data}`],
      ['no version', `.${iv}.${tag}.${data}`],
      ['an unversioned value', `${iv}.${tag}.${data}`],
      ['an empty IV', `v1..${tag}.${data}`],
      ['an empty tag', `v1.${iv}..${data}`],
      ['no ciphertext part', `v1.${iv}.${tag}`],
      ['a plaintext secret', 'JBSWY3DPEHPK3PXP'],
      ['an empty string', ''],
    ])('refuses %s as not a sealed secret', (_case, sealed) => {
      expect(() => box.open(sealed)).toThrow('not a sealed secret');
    });

    it('still opens the well-formed value the cases were cut from', () => {
      expect(box.open(`v1.${iv}.${tag}.${data}`)).toBe('secret');
    });
  });
});
