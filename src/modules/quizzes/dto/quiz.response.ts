import { ApiProperty } from '@nestjs/swagger';
import type { Quiz } from '../entities/quiz.entity';

export class QuizDrawResponse {
  @ApiProperty() pool: string;
  @ApiProperty() count: number;
}

export class QuizResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) lessonId: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: Number, nullable: true }) timeLimitMinutes: number | null;
  @ApiProperty() passingScorePercentage: number;
  @ApiProperty() shuffleQuestions: boolean;
  @ApiProperty() shuffleOptions: boolean;
  @ApiProperty({
    type: [QuizDrawResponse],
    nullable: true,
    description: 'Questions each attempt draws per pool; null = every question',
  })
  draw: QuizDrawResponse[] | null;
  @ApiProperty({ type: Number, nullable: true }) maxAttempts: number | null;
  @ApiProperty() showCorrectAnswers: boolean;
  @ApiProperty() isPublished: boolean;
  @ApiProperty({ description: 'Every question of the quiz, drawn or not' }) questionCount: number;
  @ApiProperty({
    description: 'Points of every question; with a draw an attempt is worth its drawn questions',
  })
  totalPoints: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export interface QuizStats {
  questionCount: number;
  totalPoints: number;
}

export function toQuizResponse(quiz: Quiz, stats: QuizStats): QuizResponse {
  return {
    id: quiz.id,
    courseId: quiz.courseId,
    lessonId: quiz.lessonId,
    title: quiz.title,
    description: quiz.description,
    timeLimitMinutes: quiz.timeLimitMinutes,
    passingScorePercentage: quiz.passingScorePercentage,
    shuffleQuestions: quiz.shuffleQuestions,
    shuffleOptions: quiz.shuffleOptions,
    draw: quiz.draw?.map(({ pool, count }) => ({ pool, count })) ?? null,
    maxAttempts: quiz.maxAttempts,
    showCorrectAnswers: quiz.showCorrectAnswers,
    isPublished: quiz.isPublished,
    questionCount: stats.questionCount,
    totalPoints: stats.totalPoints,
    createdAt: quiz.createdAt.toISOString(),
    updatedAt: quiz.updatedAt.toISOString(),
  };
}
