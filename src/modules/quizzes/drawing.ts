import { randomInt } from 'node:crypto';
import { CHOICE_TYPES } from './entities/question.entity';
import type { Question } from './entities/question.entity';
import type { Quiz } from './entities/quiz.entity';

/** A uniformly random permutation (Fisher-Yates on a CSPRNG). */
export function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

type DrawnQuestion = Pick<Question, 'id' | 'pool'>;

/**
 * The questions of a new attempt: with a `draw`, `count` distinct random questions of each named
 * pool (as many as the pool still holds if questions were deleted since publishing; questions
 * without a pool are left out), kept in the quiz's order unless the quiz shuffles questions;
 * without a draw, every question.
 */
export function drawQuestions<Q extends DrawnQuestion>(
  quiz: Pick<Quiz, 'draw' | 'shuffleQuestions'>,
  questions: readonly Q[],
): Q[] {
  let chosen = [...questions];
  if (quiz.draw) {
    const picked = new Set(
      quiz.draw.flatMap(({ pool, count }) =>
        shuffled(questions.filter((question) => question.pool === pool))
          .slice(0, count)
          .map((question) => question.id),
      ),
    );
    chosen = chosen.filter((question) => picked.has(question.id));
  }
  return quiz.shuffleQuestions ? shuffled(chosen) : chosen;
}

/**
 * With `shuffleOptions`: each choice question's options in a random order for this attempt,
 * stored with it so that every read shows the same order; null when the quiz does not shuffle.
 */
export function optionOrdersFor(
  quiz: Pick<Quiz, 'shuffleOptions'>,
  questions: ReadonlyArray<Pick<Question, 'id' | 'type' | 'options'>>,
): Record<string, string[]> | null {
  if (!quiz.shuffleOptions) return null;
  return Object.fromEntries(
    questions
      .filter((question) => CHOICE_TYPES.includes(question.type) && question.options)
      .map((question) => [question.id, shuffled(question.options!)]),
  );
}
