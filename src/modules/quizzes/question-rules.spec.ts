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
});
