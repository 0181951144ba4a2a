import type { CorrectAnswer, QuestionType } from './entities/question.entity';

export interface GradableQuestion {
  id: string;
  type: QuestionType;
  correctAnswer: CorrectAnswer;
  points: number;
}

export interface QuestionResult {
  questionId: string;
  /** What the student answered; null when unanswered. */
  answer: unknown;
  correct: boolean;
  pointsAwarded: number;
  correctAnswer: CorrectAnswer;
}

export interface GradedAttempt {
  results: QuestionResult[];
  score: number;
  maxScore: number;
  /** 0..100, two decimals. */
  percentage: number;
}

const normalize = (text: string) => text.trim().toLowerCase();

/** Whether one answer is right. Answers of the wrong JSON type are simply wrong. */
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
  }
}

/**
 * Grades an attempt on the server: full points for a right answer, 0 otherwise (no partial
 * credit); unanswered questions score 0. `answers` maps question id to answer.
 */
export function gradeAttempt(
  questions: readonly GradableQuestion[],
  answers: ReadonlyMap<string, unknown>,
): GradedAttempt {
  const results = questions.map((question) => {
    const answered = answers.has(question.id);
    const answer = answered ? answers.get(question.id) : null;
    const correct = answered && isCorrect(question, answer);
    return {
      questionId: question.id,
      answer: answer ?? null,
      correct,
      pointsAwarded: correct ? question.points : 0,
      correctAnswer: question.correctAnswer,
    };
  });
  const score = results.reduce((sum, result) => sum + result.pointsAwarded, 0);
  const maxScore = questions.reduce((sum, question) => sum + question.points, 0);
  const percentage = maxScore === 0 ? 0 : Math.round((score / maxScore) * 10_000) / 100;
  return { results, score, maxScore, percentage };
}

export function hasPassed(percentage: number, passingScorePercentage: number): boolean {
  return percentage >= passingScorePercentage;
}
