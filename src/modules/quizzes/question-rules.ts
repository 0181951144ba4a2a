import type { ErrorDetail } from '../../common/errors/app-error';
import type { QuestionType } from './entities/question.entity';

const MIN_OPTIONS = 2;
const MAX_OPTIONS = 10;

function optionProblems(options: unknown): ErrorDetail[] {
  if (!Array.isArray(options)) {
    return [
      {
        field: 'options',
        message: `options must be a list of ${MIN_OPTIONS}-${MAX_OPTIONS} strings`,
      },
    ];
  }
  if (options.length < MIN_OPTIONS || options.length > MAX_OPTIONS) {
    return [
      { field: 'options', message: `options must have ${MIN_OPTIONS} to ${MAX_OPTIONS} entries` },
    ];
  }
  if (!options.every((option) => typeof option === 'string' && option.trim().length > 0)) {
    return [{ field: 'options', message: 'options must be non-empty strings' }];
  }
  if (new Set(options).size !== options.length) {
    return [{ field: 'options', message: 'options must be distinct' }];
  }
  return [];
}

/**
 * The per-type rules of a question (API.md): which `options` and which `correctAnswer` fit its
 * `type`. Returns the problems, empty when the combination is valid.
 */
export function questionProblems(
  type: QuestionType,
  options: unknown,
  correctAnswer: unknown,
  tolerance: unknown = null,
): ErrorDetail[] {
  const hasOptions = options !== undefined && options !== null;
  if (type !== 'numeric' && tolerance !== undefined && tolerance !== null) {
    return [{ field: 'tolerance', message: 'only numeric questions have a tolerance' }];
  }
  switch (type) {
    case 'multiple_choice': {
      const problems = optionProblems(options);
      if (problems.length) return problems;
      return typeof correctAnswer === 'string' && (options as string[]).includes(correctAnswer)
        ? []
        : [{ field: 'correctAnswer', message: 'correctAnswer must be one of the options' }];
    }
    case 'multiple_select': {
      const problems = optionProblems(options);
      if (problems.length) return problems;
      const valid =
        Array.isArray(correctAnswer) &&
        correctAnswer.length > 0 &&
        new Set(correctAnswer).size === correctAnswer.length &&
        correctAnswer.every(
          (answer) => typeof answer === 'string' && (options as string[]).includes(answer),
        );
      return valid
        ? []
        : [
            {
              field: 'correctAnswer',
              message: 'correctAnswer must be a non-empty list of distinct options',
            },
          ];
    }
    case 'true_false':
      if (hasOptions)
        return [{ field: 'options', message: 'true_false questions have no options' }];
      return typeof correctAnswer === 'boolean'
        ? []
        : [{ field: 'correctAnswer', message: 'correctAnswer must be true or false' }];
    case 'short_answer': {
      if (hasOptions)
        return [{ field: 'options', message: 'short_answer questions have no options' }];
      const valid =
        Array.isArray(correctAnswer) &&
        correctAnswer.length > 0 &&
        correctAnswer.every((answer) => typeof answer === 'string' && answer.trim().length > 0);
      return valid
        ? []
        : [
            {
              field: 'correctAnswer',
              message: 'correctAnswer must be a non-empty list of accepted strings',
            },
          ];
    }
    case 'numeric':
      if (hasOptions) return [{ field: 'options', message: 'numeric questions have no options' }];
      if (tolerance !== undefined && tolerance !== null) {
        if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0)
          return [{ field: 'tolerance', message: 'tolerance must be a number >= 0' }];
      }
      return typeof correctAnswer === 'number' && Number.isFinite(correctAnswer)
        ? []
        : [{ field: 'correctAnswer', message: 'correctAnswer must be a number' }];
    case 'essay':
      if (hasOptions) return [{ field: 'options', message: 'essay questions have no options' }];
      return correctAnswer === undefined || correctAnswer === null
        ? []
        : [
            {
              field: 'correctAnswer',
              message: 'essay questions have no correctAnswer (a person grades them)',
            },
          ];
  }
}
