import { isStringRecord } from './string-record';

const limits = { maxKeys: 2, maxKeyLength: 3, maxValueLength: 4 };

describe('isStringRecord', () => {
  it('takes plain objects of strings within the limits', () => {
    expect(isStringRecord({}, limits)).toBe(true);
    expect(isStringRecord({ a: '', abc: 'wxyz' }, limits)).toBe(true);
  });

  it('refuses other values, non-string values and anything over a limit', () => {
    for (const bad of [
      null,
      'a',
      ['a'],
      { a: 1 },
      { a: null },
      { a: { b: 'c' } },
      { a: 'x', b: 'y', c: 'z' },
      { abcd: 'x' },
      { a: 'vwxyz' },
      { '': 'x' },
    ]) {
      expect({ bad, ok: isStringRecord(bad, limits) }).toEqual({ bad, ok: false });
    }
  });
});
