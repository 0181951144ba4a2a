import type { ErrorDetail } from '../../common/errors/app-error';
import type { RubricCriterion } from './entities/assignment.entity';
import type { RubricScore } from './entities/submission.entity';

/** Problems of a rubric against the assignment's maxPoints: its points must add up to it. */
export function rubricProblems(
  rubric: readonly Pick<RubricCriterion, 'points'>[] | null | undefined,
  maxPoints: number,
): ErrorDetail[] {
  if (!rubric) return [];
  const total = rubric.reduce((sum, { points }) => sum + points, 0);
  return total === maxPoints
    ? []
    : [
        {
          field: 'rubric',
          message: `rubric points add up to ${total}, not maxPoints ${maxPoints}`,
        },
      ];
}

export type ScoreOutcome =
  | { ok: true; score: number; rubricScores: RubricScore[] | null }
  | { ok: false; problems: ErrorDetail[] };

/**
 * The score of a grade: `score` as given (0..maxPoints), or the sum of `rubricScores`, which must
 * name each criterion of the rubric once with 0..its points.
 */
export function scoreOf(
  assignment: { maxPoints: number; rubric: readonly RubricCriterion[] | null },
  grade: { score?: number; rubricScores?: readonly RubricScore[] },
): ScoreOutcome {
  const { score, rubricScores } = grade;
  if ((score === undefined) === (rubricScores === undefined)) {
    return fail('score', 'give either score or rubricScores');
  }
  if (score !== undefined) {
    if (score > assignment.maxPoints) {
      return fail('score', `score must be between 0 and maxPoints ${assignment.maxPoints}`);
    }
    return { ok: true, score, rubricScores: null };
  }
  if (!assignment.rubric) return fail('rubricScores', 'this assignment has no rubric');
  const points = new Map(assignment.rubric.map((c) => [c.criterion, c.points]));
  const seen = new Set<string>();
  const problems: ErrorDetail[] = [];
  for (const [index, entry] of rubricScores!.entries()) {
    const max = points.get(entry.criterion);
    const field = `rubricScores.${index}`;
    if (max === undefined) problems.push({ field, message: 'not a criterion of the rubric' });
    else if (seen.has(entry.criterion)) problems.push({ field, message: 'criterion scored twice' });
    else if (entry.points > max) {
      problems.push({ field: `${field}.points`, message: `points must be between 0 and ${max}` });
    }
    seen.add(entry.criterion);
  }
  if (problems.length === 0 && seen.size !== points.size) {
    problems.push({ field: 'rubricScores', message: 'score every criterion of the rubric' });
  }
  if (problems.length > 0) return { ok: false, problems };
  const total = rubricScores!.reduce((sum, entry) => sum + entry.points, 0);
  return {
    ok: true,
    score: round2(total),
    rubricScores: rubricScores!.map(({ criterion, points }) => ({ criterion, points })),
  };
}

/** `score` less `latePenaltyPercent` % of maxPoints when late, never below 0. */
export function finalScoreOf(
  score: number,
  assignment: { maxPoints: number; latePenaltyPercent: number },
  late: boolean,
): number {
  if (!late) return score;
  return Math.max(0, round2(score - (assignment.latePenaltyPercent * assignment.maxPoints) / 100));
}

export function passes(
  finalScore: number,
  assignment: { maxPoints: number; passingScorePercentage: number },
): boolean {
  return (finalScore / assignment.maxPoints) * 100 >= assignment.passingScorePercentage;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

const fail = (field: string, message: string): ScoreOutcome => ({
  ok: false,
  problems: [{ field, message }],
});
