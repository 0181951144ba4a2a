import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { StorageProvider } from '../../../infra/storage/storage.backend';

@Entity({ name: 'files' })
export class StoredFile {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  uploadedById: string;

  /** The client's name, cleaned, kept as metadata only: it never reaches a storage path. */
  @Column({ type: 'varchar', length: 255 })
  originalFilename: string;

  @Column({ type: 'varchar', length: 255 })
  contentType: string;

  /** bigint: the driver returns a string; the mapper converts it. */
  @Column({ type: 'bigint' })
  fileSize: string;

  @Column({ type: 'varchar', length: 20 })
  storageProvider: StorageProvider;

  @Column({ type: 'varchar', length: 300 })
  storageKey: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
