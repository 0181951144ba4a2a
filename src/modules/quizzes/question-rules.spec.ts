import { questionProblems } from './question-rules';

describe('questionProblems', () => {
  it.each([
    ['multiple_choice', ['a', 'b'], 'a'],
    ['multiple_select', ['a', 'b', 'c'], ['a', 'c']],
    ['true_false', undefined, true],
    ['true_false', null, false],
    ['short_answer', undefined, ['Paris']],
    ['numeric', undefined, 3.14],
    ['numeric', null, -2],
    ['essay', undefined, undefined],
    ['essay', null, null],
  ] as const)('accepts a valid %s question', (type, options, answer) => {
    expect(questionProblems(type, options, answer)).toEqual([]);
  });

  it('accepts a tolerance >= 0 on numeric questions only', () => {
    expect(questionProblems('numeric', undefined, 1, 0)).toEqual([]);
    expect(questionProblems('numeric', undefined, 1, 0.5)).toEqual([]);
    expect(questionProblems('numeric', undefined, 1, -0.1)[0].field).toBe('tolerance');
    expect(questionProblems('true_false', undefined, true, 1)[0].field).toBe('tolerance');
    expect(questionProblems('essay', undefined, undefined, 0)[0].field).toBe('tolerance');
  });

  it.each([
    ['multiple_choice', ['a'], 'a', 'options'],
    ['multiple_choice', Array.from({ length: 11 }, (_, i) => `o${i}`), 'o1', 'options'],
    ['multiple_choice', ['a', 'a'], 'a', 'options'],
    ['multiple_choice', ['a', ''], 'a', 'options'],
    ['multiple_choice', ['a', 'b'], 'c', 'correctAnswer'],
    ['multiple_choice', ['a', 'b'], ['a'], 'correctAnswer'],
    ['multiple_choice', undefined, 'a', 'options'],
    ['multiple_select', ['a', 'b'], [], 'correctAnswer'],
    ['multiple_select', ['a', 'b'], ['a', 'z'], 'correctAnswer'],
    ['multiple_select', ['a', 'b'], ['a', 'a'], 'correctAnswer'],
    ['multiple_select', ['a', 'b'], 'a', 'correctAnswer'],
    ['true_false', ['true', 'false'], true, 'options'],
    ['true_false', undefined, 'true', 'correctAnswer'],
    ['short_answer', ['a', 'b'], ['a'], 'options'],
    ['short_answer', undefined, 'Paris', 'correctAnswer'],
    ['short_answer', undefined, [], 'correctAnswer'],
    ['short_answer', undefined, ['  '], 'correctAnswer'],
    ['numeric', ['1', '2'], 1, 'options'],
    ['numeric', undefined, '3.14', 'correctAnswer'],
    ['numeric', undefined, undefined, 'correctAnswer'],
    ['numeric', undefined, [3], 'correctAnswer'],
    ['essay', ['a', 'b'], undefined, 'options'],
    ['essay', undefined, 'A model answer', 'correctAnswer'],
  ] as const)('rejects %s with options %j and answer %j on %s', (type, options, answer, field) => {
    const problems = questionProblems(type, options, answer);
    expect(problems).toHaveLength(1);
    expect(problems[0].field).toBe(field);
  });

  const tenOptions = Array.from({ length: 10 }, (_, i) => `o${i}`);

  it('accepts exactly 10 options and exactly 2', () => {
    expect(questionProblems('multiple_choice', tenOptions, 'o9')).toEqual([]);
    expect(questionProblems('multiple_select', tenOptions, ['o0', 'o9'])).toEqual([]);
    expect(questionProblems('multiple_choice', ['a', 'b'], 'b')).toEqual([]);
  });

  it.each(['multiple_choice', 'multiple_select'] as const)(
    'explains each option problem of a %s question',
    (type) => {
      const answer = type === 'multiple_choice' ? 'a' : ['a'];
      expect(questionProblems(type, 'a,b', answer)).toEqual([
        { field: 'options', message: 'options must be a list of 2-10 strings' },
      ]);
      expect(questionProblems(type, ['a'], answer)).toEqual([
        { field: 'options', message: 'options must have 2 to 10 entries' },
      ]);
      expect(questionProblems(type, [...tenOptions, 'a'], answer)).toEqual([
        { field: 'options', message: 'options must have 2 to 10 entries' },
      ]);
      expect(questionProblems(type, ['a', 'a'], answer)).toEqual([
        { field: 'options', message: 'options must be distinct' },
      ]);
    },
  );

  it.each([
    ['an empty option', ['a', '']],
    ['a blank option', ['a', '   ']],
    ['a number', ['a', 2]],
    ['null', ['a', null]],
  ])('refuses %s among the options', (_case, options) => {
    for (const [type, answer] of [
      ['multiple_choice', 'a'],
      ['multiple_select', ['a']],
    ] as const) {
      expect(questionProblems(type, options, answer)).toEqual([
        { field: 'options', message: 'options must be non-empty strings' },
      ]);
    }
  });

  it('explains each answer problem', () => {
    expect(questionProblems('multiple_choice', ['a', 'b'], 'c')).toEqual([
      { field: 'correctAnswer', message: 'correctAnswer must be one of the options' },
    ]);
    expect(questionProblems('multiple_select', ['a', 'b'], ['c'])).toEqual([
      {
        field: 'correctAnswer',
        message: 'correctAnswer must be a non-empty list of distinct options',
      },
    ]);
    expect(questionProblems('true_false', undefined, 'yes')).toEqual([
      { field: 'correctAnswer', message: 'correctAnswer must be true or false' },
    ]);
    expect(questionProblems('true_false', [], true)).toEqual([
      { field: 'options', message: 'true_false questions have no options' },
    ]);
    expect(questionProblems('short_answer', [], ['Paris'])).toEqual([
      { field: 'options', message: 'short_answer questions have no options' },
    ]);
    expect(questionProblems('short_answer', undefined, ['Paris', ' '])).toEqual([
      {
        field: 'correctAnswer',
        message: 'correctAnswer must be a non-empty list of accepted strings',
      },
    ]);
  });

  it('refuses a short answer list where any one entry is blank or not a string', () => {
    expect(questionProblems('short_answer', null, ['Paris', ''])).toHaveLength(1);
    expect(questionProblems('short_answer', null, ['Paris', 3])).toHaveLength(1);
    expect(questionProblems('short_answer', null, ['Paris', 'City of Light'])).toEqual([]);
  });

  it('reports the options of a multiple_select question before its answer', () => {
    expect(questionProblems('multiple_select', ['a'], ['a'])).toEqual([
      { field: 'options', message: 'options must have 2 to 10 entries' },
    ]);
    expect(questionProblems('multiple_select', undefined, ['a'])).toEqual([
      { field: 'options', message: 'options must be a list of 2-10 strings' },
    ]);
  });
});
