import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { encodeBitstring, identityHash, postgresBitNumber } from './open-badge';

describe('identityHash', () => {
  it('is sha256$ and the hex SHA-256 of the lower-cased email followed by the salt', () => {
    const expected = createHash('sha256')
      .update('ada@example.com' + 'pepper')
      .digest('hex');
    expect(identityHash(' Ada@Example.com ', 'pepper')).toBe(`sha256$${expected}`);
  });

  it('differs with the salt', () => {
    expect(identityHash('a@example.com', 's1')).not.toBe(identityHash('a@example.com', 's2'));
  });
});

describe('encodeBitstring', () => {
  it('is u + base64url (no padding) of a GZIP that gives the bits back', () => {
    const bits = Buffer.alloc(16_384);
    bits[0] = 0b1000_0000;
    const encoded = encodeBitstring(bits);
    expect(encoded).toMatch(/^u[A-Za-z0-9_-]+$/);
    expect(gunzipSync(Buffer.from(encoded.slice(1), 'base64url')).equals(bits)).toBe(true);
  });
});

describe('postgresBitNumber', () => {
  it.each([
    [0, 7],
    [7, 0],
    [8, 15],
    [13, 10],
    [131_071, 131_064],
  ])('maps index %i (left-most first) to PostgreSQL bit %i', (index, bit) => {
    expect(postgresBitNumber(index)).toBe(bit);
  });
});
