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
   * Deletes the file unless a submission holds it, in one statement: 'deleted', 'attached' (kept),
   * or 'missing' (already gone).
   */
  async deleteUnattached(id: string): Promise<'deleted' | 'attached' | 'missing'> {
    const [rows] = await this.files.query<[Array<{ id: string }>, number]>(
      `DELETE FROM files WHERE id = $1
          AND NOT EXISTS (SELECT 1 FROM submissions WHERE file_ids @> ARRAY[$1]::uuid[])
        RETURNING id`,
      [id],
    );
    if (rows.length > 0) return 'deleted';
    return (await this.files.existsBy({ id })) ? 'attached' : 'missing';
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
