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
});
