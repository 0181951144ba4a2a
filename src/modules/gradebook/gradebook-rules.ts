/** The gradebook's pure rules (contract 1.1, "Gradebook"): cell statuses, totals and CSV. */

export type GradeStatus = 'graded' | 'pending' | 'missing' | 'none';

export interface GradeCell {
  itemId: string;
  score: number | null;
  status: GradeStatus;
}

/** What SQL aggregated for one quiz and student: best final score, any attempt awaiting essays. */
export interface QuizAggregate {
  bestFinalScore: number | null;
  pending: boolean;
}

/** What SQL aggregated for one assignment and student: the latest version and latest grade. */
export interface SubmissionAggregate {
  latestStatus: 'submitted' | 'graded';
  latestGradedScore: number | null;
}

/** graded when a finished attempt is final; pending when one awaits essay grading; else none. */
export function quizCell(itemId: string, aggregate: QuizAggregate | undefined): GradeCell {
  if (aggregate && aggregate.bestFinalScore !== null) {
    return { itemId, score: aggregate.bestFinalScore, status: 'graded' };
  }
  return { itemId, score: null, status: aggregate?.pending ? 'pending' : 'none' };
}

/**
 * graded when the latest version is graded; pending when it is not (the score stays the latest
 * graded version's); missing without a submission once `dueAt` has passed; none otherwise.
 */
export function assignmentCell(
  itemId: string,
  aggregate: SubmissionAggregate | undefined,
  dueAt: Date | null,
  now: Date,
): GradeCell {
  if (!aggregate) {
    const missing = dueAt !== null && dueAt.getTime() < now.getTime();
    return { itemId, score: null, status: missing ? 'missing' : 'none' };
  }
  return {
    itemId,
    score: aggregate.latestGradedScore,
    status: aggregate.latestStatus === 'graded' ? 'graded' : 'pending',
  };
}

export interface Totals {
  earned: number;
  possible: number;
  percentage: number | null;
}

export const round2 = (value: number): number => Math.round((value + Number.EPSILON) * 100) / 100;

/**
 * earned = graded scores (missing counts 0); possible = maxPoints of graded and missing items;
 * percentage = earned / possible * 100; all rounded to 2 decimals, percentage null when
 * possible is 0. Pending and none items count in neither.
 */
export function totalsOf(
  cells: ReadonlyArray<Pick<GradeCell, 'score' | 'status'> & { maxPoints: number }>,
): Totals {
  let earned = 0;
  let possible = 0;
  for (const cell of cells) {
    if (cell.status === 'graded') {
      earned += cell.score ?? 0;
      possible += cell.maxPoints;
    } else if (cell.status === 'missing') {
      possible += cell.maxPoints;
    }
  }
  return {
    earned: round2(earned),
    possible: round2(possible),
    percentage: possible === 0 ? null : round2((earned / possible) * 100),
  };
}

/** One RFC 4180 field: quoted (inner quotes doubled) when it holds a comma, quote, CR or LF. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One RFC 4180 record, CRLF-terminated. */
export function csvRecord(values: ReadonlyArray<string | number | null>): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
