import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, QueryFailedError, Repository } from 'typeorm';
import { Certificate } from './entities/certificate.entity';

export type NewCertificate = Omit<Certificate, 'issuedAt' | 'revokedAt'>;

/** Raised when the generated number is already taken (a retry draws another). */
export class NumberClashError extends Error {}

@Injectable()
export class CertificatesRepository {
  constructor(
    @InjectRepository(Certificate) private readonly certificates: Repository<Certificate>,
  ) {}

  /**
   * Inserts unless the enrollment already has a certificate (the unique index decides, so a job
   * that runs twice issues one). Returns the new row, or null when one existed.
   */
  async insertIfAbsent(manager: EntityManager, data: NewCertificate): Promise<Certificate | null> {
    try {
      const rows = await manager.query<Array<{ id: string }>>(
        `INSERT INTO certificates (id, certificate_number, enrollment_id, student_id, course_id,
            student_name, course_title, instructor_name, completed_at, storage_provider, storage_key)
         VALUES ($1, $2, $3, $4, $5,
                 -- an erasure committed since the name was read wins
                 CASE WHEN (SELECT erased_at FROM users WHERE id = $4) IS NULL THEN $6 END,
                 $7, $8, $9, $10, $11)
         ON CONFLICT (enrollment_id) DO NOTHING RETURNING id`,
        [
          data.id,
          data.certificateNumber,
          data.enrollmentId,
          data.studentId,
          data.courseId,
          data.studentName,
          data.courseTitle,
          data.instructorName,
          data.completedAt,
          data.storageProvider,
          data.storageKey,
        ],
      );
      return rows[0]
        ? manager.getRepository(Certificate).findOneByOrFail({ id: rows[0].id })
        : null;
    } catch (error) {
      const driver = (error as QueryFailedError).driverError as { constraint?: string } | undefined;
      if (driver?.constraint === 'ux_certificates_number') throw new NumberClashError();
      throw error;
    }
  }

  findById(id: string, manager?: EntityManager): Promise<Certificate | null> {
    return (manager?.getRepository(Certificate) ?? this.certificates).findOneBy({ id });
  }

  findByNumber(certificateNumber: string): Promise<Certificate | null> {
    return this.certificates.findOneBy({ certificateNumber });
  }

  findByEnrollment(enrollmentId: string): Promise<Certificate | null> {
    return this.certificates.findOneBy({ enrollmentId });
  }

  findPageByStudent(
    studentId: string,
    offset: number,
    limit: number,
  ): Promise<[Certificate[], number]> {
    return this.certificates.findAndCount({
      where: { studentId },
      order: { issuedAt: 'DESC', id: 'ASC' },
      skip: offset,
      take: limit,
    });
  }

  async idsByEnrollment(enrollmentIds: string[]): Promise<Map<string, string>> {
    if (enrollmentIds.length === 0) return new Map();
    const rows = await this.certificates.find({
      select: { id: true, enrollmentId: true },
      where: { enrollmentId: In(enrollmentIds) },
    });
    return new Map(rows.map((row) => [row.enrollmentId!, row.id]));
  }

  /** Revokes once: true when this call did it, false when it already was revoked. */
  async revoke(id: string, manager?: EntityManager): Promise<boolean> {
    const result = await (manager?.getRepository(Certificate) ?? this.certificates)
      .createQueryBuilder()
      .update(Certificate)
      .set({ revokedAt: () => 'now()' })
      .where('id = :id AND revoked_at IS NULL', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Erasure: the student's certificates keep their number but no longer name them. */
  async clearStudentName(manager: EntityManager, studentId: string): Promise<Certificate[]> {
    await manager.query(
      'UPDATE certificates SET student_name = NULL WHERE student_id = $1 AND student_name IS NOT NULL',
      [studentId],
    );
    return manager.getRepository(Certificate).find({
      where: { studentId },
      order: { issuedAt: 'ASC', id: 'ASC' },
    });
  }

  findByIds(ids: string[]): Promise<Certificate[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.certificates.find({
      where: { id: In(ids) },
      order: { issuedAt: 'ASC', id: 'ASC' },
    });
  }

  findAllByStudent(studentId: string): Promise<Certificate[]> {
    return this.certificates.find({ where: { studentId }, order: { issuedAt: 'ASC', id: 'ASC' } });
  }
}
