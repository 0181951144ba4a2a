import type { ArgumentMetadata } from '@nestjs/common';
import { ValidationFailedError } from '../errors/app-error';
import { findNul, RejectNulPipe } from './reject-nul.pipe';

const NUL = 'a\u0000b';

describe('findNul', () => {
  it('finds a NUL in a plain string, at the path given', () => {
    expect(findNul(NUL)).toBe('');
    expect(findNul(NUL, 'id')).toBe('id');
    expect(findNul('\u0000')).toBe('');
  });

  it('finds nothing in clean values of any type', () => {
    for (const value of ['clean', '', 0, 1.5, true, null, undefined, {}, [], { a: ['b', 1] }]) {
      expect(findNul(value)).toBeUndefined();
    }
  });

  it('names the path of a nested value, arrays by index', () => {
    expect(findNul({ title: 'ok', lesson: { body: NUL } })).toBe('lesson.body');
    expect(findNul({ options: ['a', NUL] })).toBe('options.1');
    expect(findNul([{ a: 'x' }, { b: NUL }])).toBe('1.b');
    expect(findNul({ a: { b: NUL } }, 'filter')).toBe('filter.a.b');
  });

  it('names the object that holds a key with a NUL', () => {
    expect(findNul({ meta: { [NUL]: 'x' } })).toBe('meta');
    expect(findNul({ [NUL]: 'x' })).toBe('(key)');
    expect(findNul({ [NUL]: 'x' }, 'q')).toBe('q');
  });

  it('reports the first offending field', () => {
    expect(findNul({ a: 'ok', b: NUL, c: NUL })).toBe('b');
  });
});

describe('RejectNulPipe', () => {
  const pipe = new RejectNulPipe();
  const meta = (type: ArgumentMetadata['type'], data?: string): ArgumentMetadata => ({
    type,
    data,
  });
  const problem = (value: unknown, metadata: ArgumentMetadata) => {
    try {
      pipe.transform(value, metadata);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationFailedError);
      return (error as ValidationFailedError).details;
    }
    return undefined;
  };

  it('passes clean values through unchanged', () => {
    const body = { title: 'Intro', tags: ['a'] };
    expect(pipe.transform(body, meta('body'))).toBe(body);
    expect(pipe.transform('abc', meta('param', 'id'))).toBe('abc');
  });

  it('refuses a NUL in a body field, naming the field', () => {
    expect(problem({ title: NUL }, meta('body'))).toEqual([
      { field: 'title', message: 'must not contain NUL characters' },
    ]);
  });

  it('refuses a NUL in a query value, naming the parameter', () => {
    expect(problem({ search: NUL }, meta('query'))).toEqual([
      { field: 'search', message: 'must not contain NUL characters' },
    ]);
    expect(problem(NUL, meta('query', 'search'))).toEqual([
      { field: 'query', message: 'must not contain NUL characters' },
    ]);
  });

  it('refuses a NUL in a path parameter, named by the parameter', () => {
    expect(problem(NUL, meta('param', 'id'))).toEqual([
      { field: 'id', message: 'must not contain NUL characters' },
    ]);
    expect(problem({ id: NUL }, meta('param'))).toEqual([
      { field: 'id', message: 'must not contain NUL characters' },
    ]);
    expect(problem(NUL, meta('param'))).toEqual([
      { field: 'param', message: 'must not contain NUL characters' },
    ]);
  });

  it('names the whole body when the body itself is the string', () => {
    expect(problem(NUL, meta('body'))).toEqual([
      { field: 'body', message: 'must not contain NUL characters' },
    ]);
  });

  it('leaves custom parameters (the current user, the request) alone', () => {
    const custom = { name: NUL };
    expect(pipe.transform(custom, meta('custom'))).toBe(custom);
  });
});
