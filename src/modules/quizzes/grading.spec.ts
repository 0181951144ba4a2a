import { GradableQuestion, gradeAttempt, hasPassed, isCorrect } from './grading';

const mc: GradableQuestion = { id: 'q1', type: 'multiple_choice', correctAnswer: 'b', points: 2 };
const ms: GradableQuestion = {
  id: 'q2',
  type: 'multiple_select',
  correctAnswer: ['a', 'c'],
  points: 3,
};
const tf: GradableQuestion = { id: 'q3', type: 'true_false', correctAnswer: false, points: 1 };
const sa: GradableQuestion = {
  id: 'q4',
  type: 'short_answer',
  correctAnswer: ['Paris', 'City of Light'],
  points: 4,
};

describe('isCorrect', () => {
  it.each([
    [mc, 'b', true],
    [mc, 'a', false],
    [mc, 'B', false],
    [mc, ['b'], false],
    [ms, ['c', 'a'], true],
    [ms, ['a', 'c'], true],
    [ms, ['a'], false],
    [ms, ['a', 'c', 'd'], false],
    [ms, ['a', 'a', 'c'], false],
    [ms, ['a', 'd'], false],
    [ms, ['d', 'e'], false],
    [ms, [], false],
    [ms, 'a', false],
    [tf, false, true],
    [tf, true, false],
    [tf, 'false', false],
    [sa, '  paris ', true],
    [sa, 'CITY OF LIGHT', true],
    [sa, 'Lyon', false],
    [sa, ['Paris'], false],
  ])('%o answered %j is %s', (question, answer, expected) => {
    expect(isCorrect(question, answer)).toBe(expected);
  });
});

describe('isCorrect, beyond the table', () => {
  it('wants the right number of options, with no wrong one among them', () => {
    const three: GradableQuestion = { ...ms, correctAnswer: ['a', 'b', 'c'] };
    expect(isCorrect(three, ['a', 'b', 'c'])).toBe(true);
    expect(isCorrect(three, ['a', 'b', 'x'])).toBe(false);
    expect(isCorrect(three, ['a', 'b'])).toBe(false);
    expect(isCorrect(three, ['a', 'b', 'c', 'x'])).toBe(false);
  });

  it('folds case by lower-casing, so STRASSE is not Straße', () => {
    const street: GradableQuestion = { ...sa, correctAnswer: ['Straße'] };
    expect(isCorrect(street, 'STRASSE')).toBe(false);
    expect(isCorrect(street, ' straße')).toBe(true);
  });

  it('wants an answer of the JSON type of its question, whatever the stored key holds', () => {
    expect(isCorrect({ ...mc, correctAnswer: true }, true)).toBe(false);
    expect(isCorrect({ ...tf, correctAnswer: 'false' }, 'false')).toBe(false);
  });
});

describe('gradeAttempt', () => {
  const questions = [mc, ms, tf, sa];

  it('gives full points for right answers and nothing for wrong or missing ones', () => {
    const graded = gradeAttempt(
      questions,
      new Map<string, unknown>([
        ['q1', 'b'],
        ['q2', ['a']],
        ['q4', 'paris'],
      ]),
    );
    expect(graded.score).toBe(6);
    expect(graded.maxScore).toBe(10);
    expect(graded.percentage).toBe(60);
    expect(graded.results.map((r) => [r.questionId, r.correct, r.pointsAwarded])).toEqual([
      ['q1', true, 2],
      ['q2', false, 0],
      ['q3', false, 0],
      ['q4', true, 4],
    ]);
    expect(graded.results.map((r) => r.answer)).toEqual(['b', ['a'], null, 'paris']);
    expect(graded.results[1].correctAnswer).toEqual(['a', 'c']);
  });

  it('rounds the percentage to two decimals', () => {
    const three = [mc, { ...tf, points: 2 }, { ...sa, points: 3 }];
    expect(gradeAttempt(three, new Map([['q1', 'b']])).percentage).toBe(28.57);
  });

  it('scores 0 % for a quiz whose questions are worth nothing', () => {
    expect(gradeAttempt([{ ...mc, points: 0 }], new Map()).percentage).toBe(0);
  });
});

describe('hasPassed', () => {
  it('passes at exactly the passing score', () => {
    expect(hasPassed(70, 70)).toBe(true);
    expect(hasPassed(69.99, 70)).toBe(false);
  });
});
