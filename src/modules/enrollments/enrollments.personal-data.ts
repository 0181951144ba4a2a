import { Injectable } from '@nestjs/common';
import {
  PersonalDataSection,
  PersonalDataSectionProvider,
} from '../../common/personal-data/personal-data-section';
import { EnrollmentsRepository } from './enrollments.repository';

/** Enrollments and lesson progress. Erasure keeps them: they are the course's aggregates. */
@Injectable()
@PersonalDataSectionProvider()
export class EnrollmentsPersonalData implements PersonalDataSection {
  readonly key = 'enrollments';
  readonly kind = 'list';

  constructor(private readonly enrollments: EnrollmentsRepository) {}

  async *export(userId: string): AsyncIterable<unknown> {
    yield* await this.enrollments.exportRowsOf(userId);
  }

  async erase(): Promise<void> {
    // Nothing personal beyond the account id, which the anonymised account keeps.
  }
}
