import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { CertificateCredential } from './entities/certificate-credential.entity';
import { StatusList } from './entities/status-list.entity';
import { postgresBitNumber, STATUS_LIST_SIZE } from './open-badge';
import { permutedIndex } from './status-index';

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
   * Hands out the next entry of the oldest list that has one (one conditional UPDATE; the row lock
   * makes parallel allocations take turns), or opens a new list. The n-th entry of a list sits at
   * a keyed permutation of n, so positions do not reveal the order of issue.
   */
  async allocateIndex(manager: EntityManager): Promise<{ listId: string; index: number }> {
    const [rows] = await manager.query<
      [Array<{ id: string; n: number; size: number; index_key: Buffer }>, number]
    >(
      `UPDATE status_lists SET allocated = allocated + 1
       WHERE id = (SELECT id FROM status_lists WHERE allocated < size
                   ORDER BY created_at, id LIMIT 1 FOR UPDATE)
         AND allocated < size
       RETURNING id, allocated - 1 AS n, size, index_key`,
    );
    if (rows[0]) {
      const { id, n, size, index_key } = rows[0];
      return { listId: id, index: permutedIndex(n, size, index_key) };
    }
    const key = randomBytes(16);
    const created = await manager.query<Array<{ id: string }>>(
      `INSERT INTO status_lists (size, allocated, index_key, bits)
       VALUES ($1, 1, $2, decode(repeat('00', $1 / 8), 'hex')) RETURNING id`,
      [STATUS_LIST_SIZE, key],
    );
    return { listId: created[0].id, index: permutedIndex(0, STATUS_LIST_SIZE, key) };
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

  /** The personal-data export: the credentials of this student's certificates, oldest first. */
  findByStudent(
    studentId: string,
  ): Promise<Array<{ certificateId: string; jwt: string; createdAt: Date }>> {
    return this.credentials.query(
      `SELECT cc.certificate_id AS "certificateId", cc.jwt, cc.created_at AS "createdAt"
         FROM certificate_credentials cc JOIN certificates c ON c.id = cc.certificate_id
        WHERE c.student_id = $1
        ORDER BY cc.created_at, cc.certificate_id`,
      [studentId],
    );
  }
}
