import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  AfterErasure,
  PersonalDataSection,
  PersonalDataSectionProvider,
} from '../../common/personal-data/personal-data-section';
import { StorageBackend } from '../../infra/storage/storage.backend';
import { toFileResponse } from './dto/file.response';
import { FilesRepository } from './files.repository';

/**
 * Uploaded files (metadata; the bytes download through /files). Erasure deletes the rows in the
 * transaction and the stored objects after the commit (local disk or Azure alike).
 */
@Injectable()
@PersonalDataSectionProvider()
export class FilesPersonalData implements PersonalDataSection {
  readonly key = 'files';
  readonly kind = 'list';
  private readonly logger = new Logger(FilesPersonalData.name);

  constructor(
    private readonly files: FilesRepository,
    private readonly storage: StorageBackend,
  ) {}

  async *export(userId: string): AsyncIterable<unknown> {
    for (const file of await this.files.findAllByUploader(userId)) yield toFileResponse(file);
  }

  async erase(manager: EntityManager, userId: string): Promise<AfterErasure | void> {
    const keys = await this.files.deleteAllOf(manager, userId);
    if (keys.length === 0) return;
    return async () => {
      const outcomes = await Promise.allSettled(keys.map((key) => this.storage.delete(key)));
      const failed = outcomes.filter((outcome) => outcome.status === 'rejected').length;
      // The rows are gone either way; a blob left behind is logged (by count, never by name).
      if (failed > 0) this.logger.error(`erasure left ${failed} stored file(s) undeleted`);
    };
  }
}
