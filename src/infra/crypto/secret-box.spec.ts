import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox('a-key-of-at-least-thirty-two-characters!');

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
    const keyMaterial = 'a-key-of-at-least-thirty-two-characters!';
    const key = createHash('sha256').update(keyMaterial, 'utf8').digest();

    it('seals to v1.<iv>.<tag>.<ciphertext> in base64url under the SHA-256 of the key', () => {
      const plaintext = 'clé secrète ✓';
      const [version, iv, tag, data, ...rest] = box.seal(plaintext).split('.');
      expect(version).toBe('v1');
      expect(rest).toEqual([]);
      expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
      expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const opened = Buffer.concat([
        decipher.update(Buffer.from(data, 'base64url')),
        decipher.final(),
      ]);
      expect(opened.toString('utf8')).toBe(plaintext);
    });

    it('opens a v1 value sealed elsewhere with the same key', () => {
      const iv = Buffer.alloc(12, 7);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update('JBSWY3DPEHPK3PXP', 'utf8'), cipher.final()]);
      const sealed = ['v1', iv, cipher.getAuthTag(), data]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
      expect(box.open(sealed)).toBe('JBSWY3DPEHPK3PXP');
    });

    it('opens an empty secret (its ciphertext part is empty)', () => {
      const sealed = box.seal('');
      expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.$/);
      expect(box.open(sealed)).toBe('');
    });
  });

  describe('malformed sealed values', () => {
    const [, iv, tag, data] = box.seal('secret').split('.');

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
