import { finalScoreOf, passes, rubricProblems, scoreOf } from './scoring';

const rubric = [
  { criterion: 'Clarity', points: 4, description: null },
  { criterion: 'Correctness', points: 6, description: null },
];

describe('rubricProblems', () => {
  it('accepts a rubric adding up to maxPoints, and no rubric', () => {
    expect(rubricProblems(rubric, 10)).toEqual([]);
    expect(rubricProblems(null, 10)).toEqual([]);
  });

  it('names the rubric when its points do not add up to maxPoints', () => {
    expect(rubricProblems(rubric, 11)).toEqual([
      { field: 'rubric', message: 'rubric points add up to 10, not maxPoints 11' },
    ]);
  });
});

describe('scoreOf', () => {
  const assignment = { maxPoints: 10, rubric };

  it('takes a score within 0..maxPoints', () => {
    expect(scoreOf(assignment, { score: 10 })).toEqual({ ok: true, score: 10, rubricScores: null });
    expect(scoreOf(assignment, { score: 10.5 })).toMatchObject({ ok: false });
  });

  it('wants exactly one of score and rubricScores', () => {
    expect(scoreOf(assignment, {})).toMatchObject({ ok: false });
    expect(
      scoreOf(assignment, { score: 1, rubricScores: [{ criterion: 'Clarity', points: 1 }] }),
    ).toMatchObject({ ok: false });
  });

  it('sums rubric scores that name each criterion once within its points', () => {
    expect(
      scoreOf(assignment, {
        rubricScores: [
          { criterion: 'Correctness', points: 5.5 },
          { criterion: 'Clarity', points: 4 },
        ],
      }),
    ).toMatchObject({ ok: true, score: 9.5 });
  });

  it('refuses unknown, repeated, missing and out-of-bounds criteria', () => {
    const problems = (rubricScores: Array<{ criterion: string; points: number }>) => {
      const outcome = scoreOf(assignment, { rubricScores });
      return outcome.ok ? [] : outcome.problems.map((p) => p.field);
    };
    expect(problems([{ criterion: 'Style', points: 1 }])).toEqual(['rubricScores.0']);
    expect(
      problems([
        { criterion: 'Clarity', points: 1 },
        { criterion: 'Clarity', points: 1 },
      ]),
    ).toEqual(['rubricScores.1']);
    expect(problems([{ criterion: 'Clarity', points: 1 }])).toEqual(['rubricScores']);
    expect(
      problems([
        { criterion: 'Clarity', points: 5 },
        { criterion: 'Correctness', points: 1 },
      ]),
    ).toEqual(['rubricScores.0.points']);
  });

  it('refuses rubric scores for an assignment without a rubric', () => {
    expect(
      scoreOf({ maxPoints: 10, rubric: null }, { rubricScores: [{ criterion: 'A', points: 1 }] }),
    ).toMatchObject({ ok: false, problems: [{ field: 'rubricScores' }] });
  });
});

describe('finalScoreOf and passes', () => {
  const assignment = { maxPoints: 15, latePenaltyPercent: 10, passingScorePercentage: 60 };

  it('takes latePenaltyPercent of maxPoints off a late score, never below 0', () => {
    expect(finalScoreOf(12, assignment, false)).toBe(12);
    expect(finalScoreOf(12, assignment, true)).toBe(10.5);
    expect(finalScoreOf(1, assignment, true)).toBe(0);
  });

  it('passes at or above the passing percentage', () => {
    expect(passes(9, assignment)).toBe(true);
    expect(passes(8.99, assignment)).toBe(false);
  });
});
