import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  PersonalDataSection,
  PersonalDataSectionProvider,
} from '../../common/personal-data/personal-data-section';
import { JobsRepository } from './jobs.repository';

/**
 * Bulk enrollment imports hold the emails an instructor or admin uploaded: in `job_rows` until
 * the job has run, and in the job's row errors. Not exported (the uploader's data about others).
 * Erasure replaces the user's email there with `erased-<id>@invalid` rather than null: it is the
 * erased account's own email, so a row still to run resolves to that (deactivated) account and
 * becomes a row error, and a job's error report keeps its shape (`email` is always a string).
 * The match is on the account's current email (the profile is erased after this section).
 */
@Injectable()
@PersonalDataSectionProvider()
export class ImportsPersonalData implements PersonalDataSection {
  readonly key = 'importRows';
  readonly kind = 'list';

  constructor(private readonly jobs: JobsRepository) {}

  async erase(manager: EntityManager, userId: string): Promise<void> {
    await this.jobs.scrubEmailOf(manager, userId);
  }
}
