import {
  applyEssayGrades,
  GradableQuestion,
  gradeAttempt,
  hasPassed,
  isCorrect,
  withinTolerance,
} from './grading';

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

describe('numeric questions', () => {
  const numeric = (correctAnswer: number, tolerance: number | null = 0): GradableQuestion => ({
    id: 'n',
    type: 'numeric',
    correctAnswer,
    tolerance,
    points: 1,
  });

  it.each([
    [0.3, 0.1, 0.4, true], // 0.4 - 0.3 is 0.10000000000000003 in binary floating point
    [0.3, 0.1, 0.2, true],
    [0.1 + 0.2, 0, 0.30000000000000004, true],
    [0.3, 0.1, 0.4000000001, false],
    [0.3, 0.1, 0.1999999999, false],
    [3.14, 0.005, 3.145, true],
    [3.14, 0.005, 3.1450001, false],
    [100, 0, 100, true],
    [100, 0, 100.0000001, false],
    [-2.5, 0.5, -3, true],
    [-2.5, 0.5, -3.01, false],
    [1e21, 1e20, 1.1e21, true],
    [1e-7, 1e-8, 1.1e-7, true],
    [1e-7, 1e-8, 1.2e-7, false],
    [42, null, 42, true],
    [42, null, 42.5, false],
  ])('correctAnswer %p ± %p: %p is %s', (expected, tolerance, answer, right) => {
    expect(isCorrect(numeric(expected, tolerance), answer)).toBe(right);
  });

  it('counts only JSON numbers as answers', () => {
    expect(isCorrect(numeric(42), '42')).toBe(false);
    expect(isCorrect(numeric(42), [42])).toBe(false);
    expect(isCorrect(numeric(42), null)).toBe(false);
    expect(isCorrect(numeric(42), Number.POSITIVE_INFINITY)).toBe(false);
  });

  it('withinTolerance refuses a negative tolerance and non-finite numbers', () => {
    expect(withinTolerance(1, 1, -1)).toBe(false);
    expect(withinTolerance(Number.NaN, 1, 1)).toBe(false);
    expect(withinTolerance(1, Number.POSITIVE_INFINITY, 1)).toBe(false);
  });
});

describe('essays', () => {
  const essay: GradableQuestion = {
    id: 'e1',
    type: 'essay',
    correctAnswer: null,
    points: 5,
    explanation: 'Mention both causes',
  };

  it('leaves essays pending: no points yet, the automatic part scored, maxScore complete', () => {
    const graded = gradeAttempt(
      [mc, essay],
      new Map<string, unknown>([
        ['q1', 'b'],
        ['e1', 'A long answer'],
      ]),
    );
    expect(graded).toMatchObject({ score: 2, maxScore: 7, gradingStatus: 'pending' });
    expect(graded.results[1]).toMatchObject({
      questionId: 'e1',
      answer: 'A long answer',
      correct: null,
      pointsAwarded: null,
      correctAnswer: null,
      explanation: 'Mention both causes',
      feedback: null,
    });
  });

  it('grades an attempt without essays automatically', () => {
    expect(gradeAttempt([mc, tf], new Map()).gradingStatus).toBe('auto');
  });

  it('counts an essay as pending even when unanswered (a person decides)', () => {
    expect(gradeAttempt([essay], new Map()).gradingStatus).toBe('pending');
  });

  const pending = () => {
    const essay2 = { ...essay, id: 'e2', points: 3 };
    return gradeAttempt([mc, essay, essay2], new Map([['q1', 'b']])).results;
  };

  it('applies grades in 0..points and completes when every essay is graded', () => {
    const partial = applyEssayGrades(pending(), [{ questionId: 'e1', pointsAwarded: 5 }]);
    expect(partial).toMatchObject({ ok: true, score: 7, complete: false });
    if (!partial.ok) throw new Error('expected grades to apply');
    const done = applyEssayGrades(partial.results, [
      { questionId: 'e2', pointsAwarded: 0, feedback: 'Off topic' },
    ]);
    expect(done).toMatchObject({ ok: true, score: 7, complete: true });
    if (!done.ok) throw new Error('expected grades to apply');
    expect(done.results.map((r) => [r.questionId, r.pointsAwarded, r.correct, r.feedback])).toEqual(
      [
        ['q1', 2, true, null],
        ['e1', 5, true, null],
        ['e2', 0, false, 'Off topic'],
      ],
    );
  });

  it('accepts exactly 0 and exactly the question’s points', () => {
    for (const pointsAwarded of [0, 5]) {
      expect(applyEssayGrades(pending(), [{ questionId: 'e1', pointsAwarded }]).ok).toBe(true);
    }
  });

  it.each([
    ['a negative grade', { questionId: 'e1', pointsAwarded: -1 }, 'out_of_bounds'],
    ['a grade above the points', { questionId: 'e1', pointsAwarded: 6 }, 'out_of_bounds'],
    ['a fractional grade', { questionId: 'e1', pointsAwarded: 2.5 }, 'out_of_bounds'],
    ['a non-essay question', { questionId: 'q1', pointsAwarded: 1 }, 'not_essay'],
    ['a question outside the attempt', { questionId: 'zz', pointsAwarded: 1 }, 'unknown_question'],
  ])('refuses %s and changes nothing', (_name, grade, kind) => {
    const results = pending();
    const before = JSON.stringify(results);
    const outcome = applyEssayGrades(results, [grade]);
    expect(outcome).toEqual({ ok: false, problem: expect.objectContaining({ kind, index: 0 }) });
    expect(JSON.stringify(results)).toBe(before);
  });

  it('refuses two grades for one essay in a request', () => {
    const outcome = applyEssayGrades(pending(), [
      { questionId: 'e1', pointsAwarded: 1 },
      { questionId: 'e1', pointsAwarded: 2 },
    ]);
    expect(outcome).toEqual({ ok: false, problem: { kind: 'graded_twice', index: 1 } });
  });
});
