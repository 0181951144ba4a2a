import type { CorrectAnswer, QuestionType } from './entities/question.entity';
import type { GradingStatus } from './entities/quiz-attempt.entity';

export interface GradableQuestion {
  id: string;
  type: QuestionType;
  correctAnswer: CorrectAnswer;
  points: number;
  /** numeric only; null or absent = 0. */
  tolerance?: number | null;
  explanation?: string | null;
}

/**
 * One question's outcome, as stored in the attempt. `correct` and `pointsAwarded` are null for an
 * essay a person has not graded yet. `type` and `points` are kept for manual grading (they
 * never leave the API); results stored before essays existed lack them.
 */
export interface QuestionResult {
  questionId: string;
  /** What the student answered; null when unanswered. */
  answer: unknown;
  correct: boolean | null;
  pointsAwarded: number | null;
  correctAnswer: CorrectAnswer;
  explanation?: string | null;
  /** The grader's comment (essays); null otherwise. */
  feedback?: string | null;
  type?: QuestionType;
  points?: number;
}

export interface GradedAttempt {
  results: QuestionResult[];
  /** Points awarded so far: the automatic part while essays are pending. */
  score: number;
  maxScore: number;
  /** 0..100, two decimals; provisional while essays are pending. */
  percentage: number;
  gradingStatus: Extract<GradingStatus, 'auto' | 'pending'>;
}

const normalize = (text: string) => text.trim().toLowerCase();

/** A finite number as an exact decimal: mantissa * 10^exponent. */
interface Decimal {
  mantissa: bigint;
  exponent: number;
}

/**
 * The decimal a JSON number was written as (its shortest round-trip form, as JSON.stringify
 * prints it), so that 0.1 is 1e-1 and not the binary double nearest to it.
 */
function toDecimal(value: number): Decimal {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(value));
  if (!match) throw new RangeError(`not a finite number: ${value}`);
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  return {
    mantissa: BigInt(`${sign}${whole}${fraction}`),
    exponent: Number(exponent) - fraction.length,
  };
}

const scaled = (value: Decimal, exponent: number): bigint =>
  value.mantissa * 10n ** BigInt(value.exponent - exponent);

/**
 * `|answer - expected| <= tolerance`, computed on the decimals the numbers were written as:
 * in binary floating point 0.4 - 0.3 is 0.10000000000000003, which would fail a tolerance of 0.1
 * that the author clearly meant to include.
 */
export function withinTolerance(answer: number, expected: number, tolerance: number): boolean {
  if (![answer, expected, tolerance].every(Number.isFinite) || tolerance < 0) return false;
  const [a, e, t] = [answer, expected, tolerance].map(toDecimal);
  const exponent = Math.min(a.exponent, e.exponent, t.exponent);
  let difference = scaled(a, exponent) - scaled(e, exponent);
  if (difference < 0n) difference = -difference;
  return difference <= scaled(t, exponent);
}

/**
 * Whether one answer is right. Answers of the wrong JSON type are simply wrong. Essays are never
 * right automatically (a person grades them).
 */
export function isCorrect(question: GradableQuestion, answer: unknown): boolean {
  const expected = question.correctAnswer;
  switch (question.type) {
    case 'multiple_choice':
      return typeof answer === 'string' && answer === expected;
    case 'multiple_select': {
      if (!Array.isArray(answer) || !Array.isArray(expected)) return false;
      const given = new Set(answer.filter((a): a is string => typeof a === 'string'));
      return (
        given.size === answer.length &&
        given.size === expected.length &&
        expected.every((option) => given.has(option))
      );
    }
    case 'true_false':
      return typeof answer === 'boolean' && answer === expected;
    case 'short_answer':
      return (
        typeof answer === 'string' &&
        Array.isArray(expected) &&
        expected.some((accepted) => normalize(accepted) === normalize(answer))
      );
    case 'numeric':
      return (
        typeof answer === 'number' &&
        typeof expected === 'number' &&
        withinTolerance(answer, expected, question.tolerance ?? 0)
      );
    case 'essay':
      return false;
  }
}

export function percentageOf(score: number, maxScore: number): number {
  return maxScore === 0 ? 0 : Math.round((score / maxScore) * 10_000) / 100;
}

const sumAwarded = (results: readonly QuestionResult[]) =>
  results.reduce((sum, result) => sum + (result.pointsAwarded ?? 0), 0);

/**
 * Grades an attempt on the server: full points for a right answer, 0 otherwise (no partial
 * credit); unanswered questions score 0. Essays are left for a person (`pending`), answered or
 * not. `answers` maps question id to answer.
 */
export function gradeAttempt(
  questions: readonly GradableQuestion[],
  answers: ReadonlyMap<string, unknown>,
): GradedAttempt {
  const results = questions.map((question): QuestionResult => {
    const answered = answers.has(question.id);
    const answer = answered ? answers.get(question.id) : null;
    const essay = question.type === 'essay';
    const correct = answered && isCorrect(question, answer);
    return {
      questionId: question.id,
      answer: answer ?? null,
      correct: essay ? null : correct,
      pointsAwarded: essay ? null : correct ? question.points : 0,
      correctAnswer: essay ? null : question.correctAnswer,
      explanation: question.explanation ?? null,
      feedback: null,
      type: question.type,
      points: question.points,
    };
  });
  const score = sumAwarded(results);
  const maxScore = questions.reduce((sum, question) => sum + question.points, 0);
  return {
    results,
    score,
    maxScore,
    percentage: percentageOf(score, maxScore),
    gradingStatus: questions.some((question) => question.type === 'essay') ? 'pending' : 'auto',
  };
}

export function hasPassed(percentage: number, passingScorePercentage: number): boolean {
  return percentage >= passingScorePercentage;
}

export interface EssayGrade {
  questionId: string;
  pointsAwarded: number;
  feedback?: string | null;
}

/** Why a set of grades was refused; `index` is the grade's position in the request. */
export type GradeProblem =
  | { kind: 'unknown_question'; index: number }
  | { kind: 'not_essay'; index: number }
  | { kind: 'graded_twice'; index: number }
  | { kind: 'out_of_bounds'; index: number; points: number };

export type ManualGrading =
  | { ok: false; problem: GradeProblem }
  | { ok: true; results: QuestionResult[]; score: number; complete: boolean };

/**
 * Applies a person's grades to an attempt's stored results: only essays of the attempt, each
 * 0..its points, once per request (a later request may change an essay's grade while others are
 * still pending). `complete` when no essay is left ungraded; `score` counts every point awarded.
 */
export function applyEssayGrades(
  results: readonly QuestionResult[],
  grades: readonly EssayGrade[],
): ManualGrading {
  const byQuestion = new Map(results.map((result, index) => [result.questionId, index]));
  const next = results.map((result) => ({ ...result }));
  const seen = new Set<string>();
  for (const [index, grade] of grades.entries()) {
    const at = byQuestion.get(grade.questionId);
    if (at === undefined) return { ok: false, problem: { kind: 'unknown_question', index } };
    const result = next[at];
    if (result.type !== 'essay') return { ok: false, problem: { kind: 'not_essay', index } };
    if (seen.has(grade.questionId)) return { ok: false, problem: { kind: 'graded_twice', index } };
    seen.add(grade.questionId);
    const points = result.points ?? 0;
    if (
      !Number.isInteger(grade.pointsAwarded) ||
      grade.pointsAwarded < 0 ||
      grade.pointsAwarded > points
    ) {
      return { ok: false, problem: { kind: 'out_of_bounds', index, points } };
    }
    next[at] = {
      ...result,
      pointsAwarded: grade.pointsAwarded,
      // An essay is "correct" when it earns full points.
      correct: grade.pointsAwarded === points,
      feedback: grade.feedback ?? null,
    };
  }
  return {
    ok: true,
    results: next,
    score: sumAwarded(next),
    complete: next.every((result) => result.type !== 'essay' || result.pointsAwarded !== null),
  };
}
