import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One Bitstring Status List (revocation): `size` bits, index 0 the left-most bit. */
@Entity({ name: 'status_lists' })
export class StatusList {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 20, default: 'revocation' })
  purpose: string;

  @Column({ type: 'int' })
  size: number;

  /** How many entries are handed out; allocation is one conditional UPDATE. */
  @Column({ type: 'int', default: 0 })
  allocated: number;

  /** Keys the permutation from allocation order to position (see status-index.ts). */
  @Column({ type: 'bytea', select: false })
  indexKey: Buffer;

  @Column({ type: 'bytea' })
  bits: Buffer;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** When a bit last changed: the list credential's `validFrom`. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
