import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { StoredFile } from './entities/stored-file.entity';

@Injectable()
export class FilesRepository {
  constructor(@InjectRepository(StoredFile) private readonly files: Repository<StoredFile>) {}

  async insert(data: Partial<StoredFile>): Promise<StoredFile> {
    return this.files.save(this.files.create(data));
  }

  findByIds(ids: string[]): Promise<StoredFile[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.files.findBy({ id: In(ids) });
  }

  findById(id: string): Promise<StoredFile | null> {
    return this.files.findOneBy({ id });
  }

  findPage(
    uploadedById: string | undefined,
    offset: number,
    limit: number,
  ): Promise<[StoredFile[], number]> {
    return this.files.findAndCount({
      where: uploadedById ? { uploadedById } : {},
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: offset,
      take: limit,
    });
  }

  /**
   * Deletes the file unless a submission holds it: 'deleted', 'attached' (kept), or 'missing'
   * (already gone). The row is locked first and the submissions are read by the next statement,
   * with a fresh snapshot, so a submission committed while we waited for the lock is seen.
   */
  deleteUnattached(id: string): Promise<'deleted' | 'attached' | 'missing'> {
    return this.files.manager.transaction(async (manager) => {
      const locked = await manager.query<Array<{ id: string }>>(
        'SELECT id FROM files WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (locked.length === 0) return 'missing';
      const [deleted] = await manager.query<[Array<{ id: string }>, number]>(
        `DELETE FROM files WHERE id = $1
            AND NOT EXISTS (SELECT 1 FROM submissions WHERE file_ids @> ARRAY[$1]::uuid[])
          RETURNING id`,
        [id],
      );
      return deleted.length > 0 ? 'deleted' : 'attached';
    });
  }

  /**
   * Share-locks the files of `ids` uploaded by `uploadedById` until the transaction ends (a
   * delete waits, then sees what the transaction attached); the number of them that exist.
   */
  async holdOwned(manager: EntityManager, ids: string[], uploadedById: string): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await manager.query<Array<{ id: string }>>(
      `SELECT id FROM files WHERE id = ANY($1::uuid[]) AND uploaded_by_id = $2 FOR KEY SHARE`,
      [ids, uploadedById],
    );
    return rows.length;
  }

  /** Everything this user uploaded, oldest first. */
  findAllByUploader(uploadedById: string): Promise<StoredFile[]> {
    return this.files.find({ where: { uploadedById }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * Erasure: the user's file rows go, attached to a submission or not (a submission then lists
   * them no more), in the caller's transaction; returns the storage keys to delete afterwards.
   */
  async deleteAllOf(manager: EntityManager, uploadedById: string): Promise<string[]> {
    const [rows] = await manager.query<[Array<{ storage_key: string }>, number]>(
      'DELETE FROM files WHERE uploaded_by_id = $1 RETURNING storage_key',
      [uploadedById],
    );
    return rows.map((row) => row.storage_key);
  }
}
