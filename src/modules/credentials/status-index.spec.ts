import { randomBytes } from 'node:crypto';
import { STATUS_LIST_SIZE } from './open-badge';
import { permutedIndex } from './status-index';

describe('permutedIndex', () => {
  const key = randomBytes(16);

  it('gives every position of a 131,072-entry list exactly once', () => {
    const seen = new Uint8Array(STATUS_LIST_SIZE);
    for (let n = 0; n < STATUS_LIST_SIZE; n++) seen[permutedIndex(n, STATUS_LIST_SIZE, key)]++;
    expect(seen.every((count) => count === 1)).toBe(true);
  });

  it('does not follow the order of issue, and depends on the key', () => {
    const first = Array.from({ length: 20 }, (_, n) => permutedIndex(n, STATUS_LIST_SIZE, key));
    expect(first).not.toEqual([...first].sort((a, b) => a - b));
    const other = Array.from({ length: 20 }, (_, n) =>
      permutedIndex(n, STATUS_LIST_SIZE, randomBytes(16)),
    );
    expect(other).not.toEqual(first);
  });

  it('is the same for the same key', () => {
    expect(permutedIndex(42, STATUS_LIST_SIZE, key)).toBe(permutedIndex(42, STATUS_LIST_SIZE, key));
  });

  it('refuses positions outside the list', () => {
    expect(() => permutedIndex(STATUS_LIST_SIZE, STATUS_LIST_SIZE, key)).toThrow(RangeError);
  });
});
