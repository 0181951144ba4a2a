import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  PersonalDataSection,
  PersonalDataSectionProvider,
} from '../../common/personal-data/personal-data-section';
import { FilesService } from '../files/files.service';
import { SubmissionsRepository } from './submissions.repository';

/**
 * Every version of the student's submissions, with the metadata of their files. Erasure clears
 * the texts (the files themselves go with the files section); grades and versions stay.
 */
@Injectable()
@PersonalDataSectionProvider()
export class SubmissionsPersonalData implements PersonalDataSection {
  readonly key = 'submissions';
  readonly kind = 'list';

  constructor(
    private readonly submissions: SubmissionsRepository,
    private readonly files: FilesService,
  ) {}

  async *export(userId: string): AsyncIterable<unknown> {
    const rows = await this.submissions.exportRowsOf(userId);
    const files = await this.files.byIds(rows.flatMap((row) => row.fileIds));
    for (const { fileIds, ...row } of rows) {
      yield { ...row, files: fileIds.flatMap((id) => files.get(id) ?? []) };
    }
  }

  async erase(manager: EntityManager, userId: string): Promise<void> {
    await this.submissions.clearTextsOf(manager, userId);
  }
}
