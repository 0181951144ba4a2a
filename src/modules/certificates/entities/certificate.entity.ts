import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { StorageProvider } from '../../../infra/storage/storage.backend';

/**
 * An issued certificate. Names and title are copied at issue time: the certificate states what was
 * true then and stays verifiable if the course or enrollment is deleted later.
 */
@Entity({ name: 'certificates' })
export class Certificate {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 40 })
  certificateNumber: string;

  @Column({ type: 'uuid', nullable: true })
  enrollmentId: string | null;

  @Column({ type: 'uuid' })
  studentId: string;

  @Column({ type: 'uuid', nullable: true })
  courseId: string | null;

  /** null once the student's personal data was erased. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  studentName: string | null;

  @Column({ type: 'varchar', length: 200 })
  courseTitle: string;

  @Column({ type: 'varchar', length: 200 })
  instructorName: string;

  @Column({ type: 'timestamptz' })
  completedAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  issuedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'varchar', length: 20 })
  storageProvider: StorageProvider;

  @Column({ type: 'varchar', length: 300 })
  storageKey: string;
}
