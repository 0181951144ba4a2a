import { Injectable } from '@nestjs/common';
import {
  PersonalDataSection,
  PersonalDataSectionProvider,
} from '../../common/personal-data/personal-data-section';
import { AttemptsRepository } from './attempts.repository';
import type { QuestionResult } from './grading';

/**
 * Quiz attempts with the student's answers and how each was graded (not the quiz's correct
 * answers: the export must not open a way around `showCorrectAnswers`). Erasure keeps attempts:
 * scores are aggregates of the course.
 */
@Injectable()
@PersonalDataSectionProvider()
export class AttemptsPersonalData implements PersonalDataSection {
  readonly key = 'quizAttempts';
  readonly kind = 'list';

  constructor(private readonly attempts: AttemptsRepository) {}

  async *export(userId: string): AsyncIterable<unknown> {
    for (const row of await this.attempts.exportRowsOf(userId)) {
      const results = row.results as QuestionResult[] | null;
      yield {
        ...row,
        results:
          results?.map((r) => ({
            questionId: r.questionId,
            answer: r.answer,
            correct: r.correct,
            pointsAwarded: r.pointsAwarded,
            feedback: r.feedback ?? null,
          })) ?? null,
      };
    }
  }

  async erase(): Promise<void> {
    // Answers stay with their grades (a person graded them); the account is anonymised.
  }
}
