import { ApiProperty } from '@nestjs/swagger';
import { QUESTION_TYPES } from '../entities/question.entity';
import type { CorrectAnswer, Question, QuestionType } from '../entities/question.entity';

/** What a student sees during an attempt: never the answer. */
export class AttemptQuestionResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() text: string;
  @ApiProperty({ enum: QUESTION_TYPES }) type: QuestionType;
  @ApiProperty({
    type: [String],
    nullable: true,
    description: 'In this attempt’s order when the quiz shuffles options',
  })
  options: string[] | null;
  @ApiProperty() points: number;
  @ApiProperty({ description: '1-based order within this attempt' }) position: number;
}

/** For the quiz's owner and admins. */
export class QuestionResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) quizId: string;
  @ApiProperty() text: string;
  @ApiProperty({ enum: QUESTION_TYPES }) type: QuestionType;
  @ApiProperty({ type: [String], nullable: true }) options: string[] | null;
  @ApiProperty({
    description: 'null for essays',
    oneOf: [
      { type: 'string', nullable: true },
      { type: 'boolean' },
      { type: 'number' },
      { type: 'array', items: { type: 'string' } },
    ],
  })
  correctAnswer: CorrectAnswer;
  @ApiProperty({ type: Number, nullable: true, description: 'numeric questions; null otherwise' })
  tolerance: number | null;
  @ApiProperty({ type: String, nullable: true }) pool: string | null;
  @ApiProperty({ type: String, nullable: true }) explanation: string | null;
  @ApiProperty() points: number;
  @ApiProperty() position: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export function toQuestionResponse(question: Question): QuestionResponse {
  return {
    id: question.id,
    quizId: question.quizId,
    text: question.text,
    type: question.type,
    options: question.options,
    correctAnswer: question.correctAnswer,
    tolerance: question.type === 'numeric' ? (question.tolerance ?? 0) : null,
    pool: question.pool,
    explanation: question.explanation,
    points: question.points,
    position: question.position,
    createdAt: question.createdAt.toISOString(),
    updatedAt: question.updatedAt.toISOString(),
  };
}

/**
 * Options in the attempt's order when it has one (shuffleOptions): options added since the start
 * come last, removed ones are left out.
 */
function optionsInOrder(options: string[] | null, order: string[] | undefined): string[] | null {
  if (!options || !order) return options;
  const current = new Set(options);
  const kept = order.filter((option) => current.has(option));
  const known = new Set(kept);
  return [...kept, ...options.filter((option) => !known.has(option))];
}

export function toAttemptQuestion(
  question: Question,
  position: number,
  optionOrder?: string[],
): AttemptQuestionResponse {
  return {
    id: question.id,
    text: question.text,
    type: question.type,
    options: optionsInOrder(question.options, optionOrder),
    points: question.points,
    position,
  };
}
