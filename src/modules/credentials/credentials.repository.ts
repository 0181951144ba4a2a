import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { CertificateCredential } from './entities/certificate-credential.entity';
import { StatusList } from './entities/status-list.entity';
import { postgresBitNumber, STATUS_LIST_SIZE } from './open-badge';

@Injectable()
export class CredentialsRepository {
  constructor(
    @InjectRepository(CertificateCredential)
    private readonly credentials: Repository<CertificateCredential>,
    @InjectRepository(StatusList) private readonly lists: Repository<StatusList>,
  ) {}

  /**
   * Serialises issuing and revoking the credential of one certificate (transaction-scoped, so it
   * needs no second connection and ends with the transaction).
   */
  async lockCertificate(manager: EntityManager, certificateId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `certificate-credential:${certificateId}`,
    ]);
  }

  findByCertificate(
    certificateId: string,
    manager?: EntityManager,
  ): Promise<CertificateCredential | null> {
    const repo = manager ? manager.getRepository(CertificateCredential) : this.credentials;
    return repo.findOneBy({ certificateId });
  }

  /**
   * Hands out the next free index of the oldest list that has one (one conditional UPDATE; the
   * row lock makes parallel allocations take turns), or opens a new list.
   */
  async allocateIndex(manager: EntityManager): Promise<{ listId: string; index: number }> {
    const [rows] = await manager.query<[Array<{ id: string; index: number }>, number]>(
      `UPDATE status_lists SET next_index = next_index + 1
       WHERE id = (SELECT id FROM status_lists WHERE next_index < size
                   ORDER BY created_at, id LIMIT 1 FOR UPDATE)
         AND next_index < size
       RETURNING id, next_index - 1 AS index`,
    );
    if (rows[0]) return { listId: rows[0].id, index: rows[0].index };
    const created = await manager.query<Array<{ id: string }>>(
      `INSERT INTO status_lists (size, next_index, bits)
       VALUES ($1, 1, decode(repeat('00', $1 / 8), 'hex')) RETURNING id`,
      [STATUS_LIST_SIZE],
    );
    return { listId: created[0].id, index: 0 };
  }

  async insert(manager: EntityManager, row: Omit<CertificateCredential, 'createdAt'>) {
    await manager.getRepository(CertificateCredential).insert(row);
  }

  /** Sets the entry's bit (revoked); the list's `updated_at` moves with it. */
  async setBit(manager: EntityManager, listId: string, index: number): Promise<void> {
    await manager.query(
      `UPDATE status_lists SET bits = set_bit(bits, $2, 1), updated_at = now() WHERE id = $1`,
      [listId, postgresBitNumber(index)],
    );
  }

  findList(id: string): Promise<StatusList | null> {
    return this.lists.findOneBy({ id });
  }
}
