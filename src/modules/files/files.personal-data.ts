import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  AfterErasure,
  PersonalDataSection,
  PersonalDataSectionProvider,
} from '../../common/personal-data/personal-data-section';
import { OutboxService } from '../../infra/outbox/outbox.service';
import { StorageBackend } from '../../infra/storage/storage.backend';
import { storedObjectDeletionJob } from '../../infra/storage/stored-object-deletions';
import { toFileResponse } from './dto/file.response';
import { FilesRepository } from './files.repository';

/**
 * Uploaded files (metadata; the bytes download through /files). Erasure deletes the rows in the
 * transaction, with a retrying job that deletes the stored objects (local disk or Azure alike),
 * and tries the deletion once right after the commit.
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
    private readonly outbox: OutboxService,
  ) {}

  async *export(userId: string): AsyncIterable<unknown> {
    for (const file of await this.files.findAllByUploader(userId)) yield toFileResponse(file);
  }

  async erase(manager: EntityManager, userId: string): Promise<AfterErasure | void> {
    const keys = await this.files.deleteAllOf(manager, userId);
    if (keys.length === 0) return;
    // The retrying job commits with the rows; the attempt right after the commit usually makes
    // it a no-op, so the files are gone when the erasure answers.
    await this.outbox.add(manager, storedObjectDeletionJob(keys));
    return async () => {
      const outcomes = await Promise.allSettled(keys.map((key) => this.storage.delete(key)));
      const failed = outcomes.filter((outcome) => outcome.status === 'rejected').length;
      // Logged by count, never by name; the queued job retries them.
      if (failed > 0) this.logger.warn(`${failed} stored file(s) left for the deletion job`);
    };
  }
}
