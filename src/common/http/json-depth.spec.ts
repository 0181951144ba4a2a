import { ValidationFailedError } from '../errors/app-error';
import { jsonDepthExceeds, MAX_JSON_DEPTH, verifyJsonDepth } from './json-depth';

const json = (text: string) => Buffer.from(text, 'utf8');
const nested = (depth: number) => json('['.repeat(depth) + ']'.repeat(depth));

describe('jsonDepthExceeds', () => {
  it('allows nesting up to the limit and refuses one level more', () => {
    expect(jsonDepthExceeds(nested(3), 3)).toBe(false);
    expect(jsonDepthExceeds(nested(4), 3)).toBe(true);
  });

  it('counts objects and arrays alike', () => {
    expect(jsonDepthExceeds(json('{"a":{"b":[{"c":1}]}}'), 4)).toBe(false);
    expect(jsonDepthExceeds(json('{"a":{"b":[{"c":{}}]}}'), 4)).toBe(true);
  });

  it('counts depth, not the number of brackets: closed siblings give the level back', () => {
    expect(jsonDepthExceeds(json('[[],[],{},{},[[]]]'), 3)).toBe(false);
    expect(jsonDepthExceeds(json(`[${'{"a":[1]},'.repeat(50)}{}]`), 3)).toBe(false);
  });

  it('ignores brackets inside strings', () => {
    expect(jsonDepthExceeds(json('{"a":"[[[[{{{{"}'), 1)).toBe(false);
    expect(jsonDepthExceeds(json('["]]]]", [[1]]]'), 2)).toBe(true);
  });

  it('does not end a string at an escaped quote', () => {
    expect(jsonDepthExceeds(json('{"a":"\\"[[[["}'), 1)).toBe(false);
  });

  it('ends a string after an escaped backslash', () => {
    expect(jsonDepthExceeds(json('["\\\\",[[1]]]'), 2)).toBe(true);
    expect(jsonDepthExceeds(json('["\\\\",[1]]'), 2)).toBe(false);
  });

  it('treats a scalar or an empty body as depth 0', () => {
    expect(jsonDepthExceeds(json('"text"'), 0)).toBe(false);
    expect(jsonDepthExceeds(json('42'), 0)).toBe(false);
    expect(jsonDepthExceeds(json(''), 0)).toBe(false);
    expect(jsonDepthExceeds(json('[]'), 0)).toBe(true);
  });

  it('stops at the first level past the limit, whatever follows', () => {
    expect(jsonDepthExceeds(json('[[[ not json at all'), 2)).toBe(true);
  });
});

describe('verifyJsonDepth', () => {
  it(`accepts a body nested ${MAX_JSON_DEPTH} levels deep`, () => {
    expect(MAX_JSON_DEPTH).toBe(32);
    expect(() => verifyJsonDepth({} as never, undefined, nested(MAX_JSON_DEPTH))).not.toThrow();
  });

  it('refuses a deeper body with a validation error on the body', () => {
    let error: unknown;
    try {
      verifyJsonDepth({} as never, undefined, nested(MAX_JSON_DEPTH + 1));
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationFailedError);
    const { code, message, details } = error as ValidationFailedError;
    expect({ code, message, details }).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'Request body nested too deeply',
      details: [{ field: 'body', message: 'must not be nested deeper than 32 levels' }],
    });
  });
});
