import { ApiProperty } from '@nestjs/swagger';
import { QUESTION_TYPES } from '../entities/question.entity';
import type { CorrectAnswer, Question, QuestionType } from '../entities/question.entity';

/** What a student sees during an attempt: never the answer. */
export class AttemptQuestionResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() text: string;
  @ApiProperty({ enum: QUESTION_TYPES }) type: QuestionType;
  @ApiProperty({ type: [String], nullable: true }) options: string[] | null;
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
    oneOf: [{ type: 'string' }, { type: 'boolean' }, { type: 'array', items: { type: 'string' } }],
  })
  correctAnswer: CorrectAnswer;
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
    points: question.points,
    position: question.position,
    createdAt: question.createdAt.toISOString(),
    updatedAt: question.updatedAt.toISOString(),
  };
}

export function toAttemptQuestion(question: Question, position: number): AttemptQuestionResponse {
  return {
    id: question.id,
    text: question.text,
    type: question.type,
    options: question.options,
    points: question.points,
    position,
  };
}
