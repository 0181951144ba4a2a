import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The Open Badges credential of a certificate, as issued (once). */
@Entity({ name: 'certificate_credentials' })
export class CertificateCredential {
  @PrimaryColumn({ type: 'uuid' })
  certificateId: string;

  @Column({ type: 'varchar', length: 64 })
  salt: string;

  @Column({ type: 'uuid' })
  statusListId: string;

  @Column({ type: 'int' })
  statusIndex: number;

  @Column({ type: 'varchar', length: 100 })
  kid: string;

  /** The VC-JWT; its payload is the credential JSON. */
  @Column({ type: 'text' })
  jwt: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
