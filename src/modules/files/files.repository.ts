import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
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

  async delete(id: string): Promise<void> {
    await this.files.delete({ id });
  }
}
