import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  PersonalDataSection,
  PersonalDataSectionProvider,
} from '../../common/personal-data/personal-data-section';
import { ReviewsRepository } from './reviews.repository';

/**
 * The student's course reviews. Erasure keeps each rating (the course's average and count are
 * aggregates over them, maintained by deltas) but clears the comment, the free text they wrote;
 * the review's author then shows as the erased account's name.
 */
@Injectable()
@PersonalDataSectionProvider()
export class ReviewsPersonalData implements PersonalDataSection {
  readonly key = 'reviews';
  readonly kind = 'list';

  constructor(private readonly reviews: ReviewsRepository) {}

  async *export(userId: string): AsyncIterable<unknown> {
    for (const { review, courseTitle } of await this.reviews.allOf(userId)) {
      yield {
        id: review.id,
        course: { id: review.courseId, title: courseTitle },
        rating: review.rating,
        comment: review.comment,
        createdAt: review.createdAt.toISOString(),
        updatedAt: review.updatedAt.toISOString(),
      };
    }
  }

  async erase(manager: EntityManager, userId: string): Promise<void> {
    await this.reviews.clearComments(manager, userId);
  }
}
