import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ATTEMPT_STATUSES, GRADING_STATUSES } from '../entities/quiz-attempt.entity';
import type { AttemptStatus, GradingStatus, QuizAttempt } from '../entities/quiz-attempt.entity';
import { AttemptQuestionResponse } from './question.response';

export class AttemptResultResponse {
  @ApiProperty({ format: 'uuid' }) questionId: string;
  @ApiProperty({
    description: 'The answer given; null when unanswered',
    oneOf: [
      { type: 'string', nullable: true },
      { type: 'boolean' },
      { type: 'number' },
      { type: 'array', items: { type: 'string' } },
    ],
  })
  answer: unknown;
  @ApiProperty({
    type: Boolean,
    nullable: true,
    description: 'null for an essay not graded yet; an essay is correct with full points',
  })
  correct: boolean | null;
  @ApiProperty({ type: Number, nullable: true, description: 'null for an essay not graded yet' })
  pointsAwarded: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The grader’s comment on an essay; null otherwise',
  })
  feedback: string | null;
  @ApiPropertyOptional({
    description: 'Only when the quiz shows correct answers; null for essays',
    oneOf: [
      { type: 'string', nullable: true },
      { type: 'boolean' },
      { type: 'number' },
      { type: 'array', items: { type: 'string' } },
    ],
  })
  correctAnswer?: unknown;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Only when the quiz shows correct answers',
  })
  explanation?: string | null;
}

export class AttemptResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) quizId: string;
  @ApiProperty({ format: 'uuid' }) studentId: string;
  @ApiProperty() attemptNumber: number;
  @ApiProperty({ enum: ATTEMPT_STATUSES }) status: AttemptStatus;
  @ApiProperty({
    enum: GRADING_STATUSES,
    description:
      '`pending`: submitted with essays a person has not graded yet (score and percentage ' +
      'count the automatic part, passed is null); `graded`: every essay graded, figures final; ' +
      '`auto`: no person needed',
  })
  gradingStatus: GradingStatus;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) submittedAt: string | null;
  @ApiProperty({ type: Number, nullable: true }) score: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Points of the attempt’s (drawn) questions',
  })
  maxScore: number | null;
  @ApiProperty({ type: Number, nullable: true }) percentage: number | null;
  @ApiProperty({ type: Boolean, nullable: true }) passed: boolean | null;
  @ApiPropertyOptional({ type: [AttemptResultResponse], description: 'Once submitted' })
  results?: AttemptResultResponse[];
}

/** One attempt with its questions (drawn, in its order, options in its order), never answers. */
export class AttemptDetailResponse extends AttemptResponse {
  @ApiProperty({ type: [AttemptQuestionResponse] }) questions: AttemptQuestionResponse[];
}

export class StartedAttemptResponse {
  @ApiProperty({ type: AttemptResponse }) attempt: AttemptResponse;
  @ApiProperty({ type: [AttemptQuestionResponse] }) questions: AttemptQuestionResponse[];
}

/** `correctAnswer` and `explanation` appear in results only when the quiz allows it. */
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
    gradingStatus: attempt.gradingStatus,
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
      feedback: result.feedback ?? null,
      ...(showCorrectAnswers
        ? { correctAnswer: result.correctAnswer, explanation: result.explanation ?? null }
        : {}),
    }));
  }
  return response;
}
