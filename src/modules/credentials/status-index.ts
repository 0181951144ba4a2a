import { createHmac } from 'node:crypto';

const HALF_BITS = 9;
const HALF_MASK = (1 << HALF_BITS) - 1;
const ROUNDS = 4;

/**
 * The status list position of the n-th credential of a list: a keyed permutation of
 * [0, size) (a 4-round Feistel network on 18 bits, cycle-walking into the range), so positions
 * do not reveal the order of issue while every n gets its own position with no retries.
 * `size` must be at most 2^18.
 */
export function permutedIndex(n: number, size: number, key: Buffer): number {
  if (size > 1 << (2 * HALF_BITS) || n < 0 || n >= size) {
    throw new RangeError(`index ${n} is outside a list of ${size}`);
  }
  let value = n;
  do value = feistel(value, key);
  while (value >= size);
  return value;
}

function feistel(value: number, key: Buffer): number {
  let left = value >> HALF_BITS;
  let right = value & HALF_MASK;
  for (let round = 0; round < ROUNDS; round++) {
    const mixed = createHmac('sha256', key).update(`${round}:${right}`).digest().readUInt16BE(0);
    [left, right] = [right, left ^ (mixed & HALF_MASK)];
  }
  return (left << HALF_BITS) | right;
}
