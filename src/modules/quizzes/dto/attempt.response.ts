import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ATTEMPT_STATUSES } from '../entities/quiz-attempt.entity';
import type { AttemptStatus, QuizAttempt } from '../entities/quiz-attempt.entity';
import { AttemptQuestionResponse } from './question.response';

export class AttemptResultResponse {
  @ApiProperty({ format: 'uuid' }) questionId: string;
  @ApiProperty({
    description: 'The answer given; null when unanswered',
    oneOf: [
      { type: 'string', nullable: true },
      { type: 'boolean' },
      { type: 'array', items: { type: 'string' } },
    ],
  })
  answer: unknown;
  @ApiProperty() correct: boolean;
  @ApiProperty() pointsAwarded: number;
  @ApiPropertyOptional({
    description: 'Only when the quiz shows correct answers',
    oneOf: [{ type: 'string' }, { type: 'boolean' }, { type: 'array', items: { type: 'string' } }],
  })
  correctAnswer?: unknown;
}

export class AttemptResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) quizId: string;
  @ApiProperty({ format: 'uuid' }) studentId: string;
  @ApiProperty() attemptNumber: number;
  @ApiProperty({ enum: ATTEMPT_STATUSES }) status: AttemptStatus;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) submittedAt: string | null;
  @ApiProperty({ type: Number, nullable: true }) score: number | null;
  @ApiProperty({ type: Number, nullable: true }) maxScore: number | null;
  @ApiProperty({ type: Number, nullable: true }) percentage: number | null;
  @ApiProperty({ type: Boolean, nullable: true }) passed: boolean | null;
  @ApiPropertyOptional({ type: [AttemptResultResponse], description: 'Once submitted' })
  results?: AttemptResultResponse[];
}

export class StartedAttemptResponse {
  @ApiProperty({ type: AttemptResponse }) attempt: AttemptResponse;
  @ApiProperty({ type: [AttemptQuestionResponse] }) questions: AttemptQuestionResponse[];
}

/** `correctAnswer` appears in results only when the quiz allows it. */
export function toAttemptResponse(
  attempt: QuizAttempt,
  showCorrectAnswers: boolean,
): AttemptResponse {
  const response: AttemptResponse = {
    id: attempt.id,
    quizId: attempt.quizId,
    studentId: attempt.studentId,
    attemptNumber: attempt.attemptNumber,
    status: attempt.status,
    startedAt: attempt.startedAt.toISOString(),
    expiresAt: attempt.expiresAt?.toISOString() ?? null,
    submittedAt: attempt.submittedAt?.toISOString() ?? null,
    score: attempt.score,
    maxScore: attempt.maxScore,
    percentage: attempt.percentage === null ? null : Number(attempt.percentage),
    passed: attempt.passed,
  };
  if (attempt.results) {
    response.results = attempt.results.map((result) => ({
      questionId: result.questionId,
      answer: result.answer,
      correct: result.correct,
      pointsAwarded: result.pointsAwarded,
      ...(showCorrectAnswers ? { correctAnswer: result.correctAnswer } : {}),
    }));
  }
  return response;
}
