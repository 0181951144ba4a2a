import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Paginated } from '../../common/dto/paginated';
import { NotFoundError } from '../../common/errors/app-error';
import { storageConfig } from '../../config/configuration';
import { AccessService } from '../access/access.service';
import { StorageBackend } from '../../infra/storage/storage.backend';
import { FileResponse, toFileResponse } from './dto/file.response';
import { ListFilesQuery } from './dto/list-files.query';
import { StoredFile } from './entities/stored-file.entity';
import { FileAttachedError } from './files.errors';
import { FilesRepository } from './files.repository';
import { receiveUpload } from './multipart-upload';

const SAS_TTL_SECONDS = 15 * 60;

export type Download =
  { kind: 'redirect'; url: string } | { kind: 'stream'; stream: Readable; file: StoredFile };

@Injectable()
export class FilesService {
  constructor(
    private readonly files: FilesRepository,
    private readonly storage: StorageBackend,
    @Inject(storageConfig.KEY) private readonly cfg: ConfigType<typeof storageConfig>,
    private readonly access: AccessService,
  ) {}

  /** Streams the upload into storage under a generated key, then records it. */
  async upload(req: IncomingMessage, caller: AuthenticatedUser): Promise<FileResponse> {
    const storageKey = `uploads/${randomUUID()}`;
    const received = await receiveUpload(
      req,
      { maxBytes: this.cfg.maxUploadBytes, allowedExtensions: this.cfg.allowedExtensions },
      (content, contentType) => this.storage.put(storageKey, content, contentType),
    ).catch(async (error: unknown) => {
      await this.storage.delete(storageKey).catch(() => undefined);
      throw error;
    });
    try {
      const file = await this.files.insert({
        uploadedById: caller.id,
        originalFilename: received.originalFilename,
        contentType: received.contentType,
        fileSize: String(received.size),
        storageProvider: this.storage.provider,
        storageKey,
      });
      return toFileResponse(file);
    } catch (error) {
      await this.storage.delete(storageKey).catch(() => undefined);
      throw error;
    }
  }

  /** Own files; admins see everyone's, optionally one uploader's. */
  async list(caller: AuthenticatedUser, query: ListFilesQuery): Promise<Paginated<FileResponse>> {
    this.access.assert(caller, 'files.list', { ownerId: query.uploadedById });
    const owner = this.access.seesEverything(caller) ? query.uploadedById : caller.id;
    const [rows, total] = await this.files.findPage(
      owner,
      Paginated.offset(query.page, query.pageSize),
      query.pageSize,
    );
    return new Paginated(rows.map(toFileResponse), total, query.page, query.pageSize);
  }

  /**
   * For other modules: those of `ids` that `uploadedById` uploaded, in no particular order (a
   * shorter list than asked means some are missing or someone else's).
   */
  async ownedBy(ids: string[], uploadedById: string): Promise<FileResponse[]> {
    const files = await this.files.findByIds(ids);
    return files.filter((file) => file.uploadedById === uploadedById).map(toFileResponse);
  }

  /**
   * For a transaction attaching the caller's files of `ids` to something: keeps them from being
   * deleted until it ends; 404 when one of them is gone or not the caller's.
   */
  async holdOwned(manager: EntityManager, ids: string[], uploadedById: string): Promise<void> {
    const unique = new Set(ids);
    if ((await this.files.holdOwned(manager, [...unique], uploadedById)) !== unique.size) {
      throw new NotFoundError('File');
    }
  }

  /** For other modules: the files of `ids` that still exist, by id. */
  async byIds(ids: string[]): Promise<Map<string, FileResponse>> {
    const files = await this.files.findByIds([...new Set(ids)]);
    return new Map(files.map((file) => [file.id, toFileResponse(file)]));
  }

  async get(id: string, caller: AuthenticatedUser): Promise<FileResponse> {
    return toFileResponse(await this.findOwned(id, caller));
  }

  /** Local storage streams the bytes; Azure answers with a SAS URL valid 15 minutes. */
  async download(id: string, caller: AuthenticatedUser): Promise<Download> {
    return this.open(await this.findOwned(id, caller));
  }

  /**
   * For other modules that decided who may read the file (a submission's attachments): the
   * download as `download` gives it, 404 when the file no longer exists.
   */
  async downloadAttached(id: string): Promise<Download> {
    const file = await this.files.findById(id);
    if (!file) throw new NotFoundError('File');
    return this.open(file);
  }

  private async open(file: StoredFile): Promise<Download> {
    const url = await this.storage.signedUrl(file.storageKey, {
      filename: file.originalFilename,
      contentType: file.contentType,
      ttlSeconds: SAS_TTL_SECONDS,
    });
    if (url) return { kind: 'redirect', url };
    return { kind: 'stream', stream: await this.storage.get(file.storageKey), file };
  }

  /** The row and the stored object. */
  async remove(id: string, caller: AuthenticatedUser): Promise<void> {
    const file = await this.findOwned(id, caller);
    // The row first: a file a submission holds is refused before its bytes are touched.
    if ((await this.files.deleteUnattached(file.id)) === 'attached') throw new FileAttachedError();
    await this.storage.delete(file.storageKey);
  }

  /** Others' files are 404, not 403: their existence is not revealed. */
  private async findOwned(id: string, caller: AuthenticatedUser): Promise<StoredFile> {
    const file = await this.files.findById(id);
    this.access.assert(caller, 'file.access', { file });
    return file!;
  }
}
