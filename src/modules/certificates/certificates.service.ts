import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { Paginated } from '../../common/dto/paginated';
import { PaginationQueryDto } from '../../common/dto/pagination-query.dto';
import { appConfig } from '../../config/configuration';
import { domainEventJob } from '../../infra/outbox/domain-event';
import { OutboxService } from '../../infra/outbox/outbox.service';
import { StorageBackend } from '../../infra/storage/storage.backend';
import { AccessService } from '../access/access.service';
import { AuditLog } from '../audit/audit-log.service';
import { CredentialsService, IssuedCredential } from '../credentials/credentials.service';
import { CoursesService } from '../courses/courses.service';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { EnrollmentNotFoundError } from '../enrollments/enrollments.errors';
import { UsersService } from '../users/users.service';
import { newCertificateNumber } from './certificate-number';
import { renderCertificatePdf } from './certificate-pdf';
import { CertificatesRepository, NumberClashError } from './certificates.repository';
import { CertificateNotFoundError, EnrollmentNotCompletedError } from './certificates.errors';
import {
  CertificateResponse,
  CertificateVerificationResponse,
  toCertificateResponse,
  toVerificationResponse,
} from './dto/certificate.response';
import { Certificate } from './entities/certificate.entity';

const NUMBER_ATTEMPTS = 3;

export interface IssueOutcome {
  created: boolean;
  certificate: Certificate;
}

@Injectable()
export class CertificatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly certificates: CertificatesRepository,
    private readonly enrollments: EnrollmentsService,
    private readonly courses: CoursesService,
    private readonly users: UsersService,
    private readonly storage: StorageBackend,
    private readonly outbox: OutboxService,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
    private readonly access: AccessService,
    private readonly audit: AuditLog,
    private readonly credentials: CredentialsService,
  ) {}

  /** POST /certificates/generate: the enrollment's student or an admin. */
  async generate(enrollmentId: string, caller: AuthenticatedUser): Promise<IssueOutcome> {
    const enrollment = await this.enrollments.findById(enrollmentId);
    this.access.assert(caller, 'certificate.request', { enrollment });
    return this.issue(enrollmentId);
  }

  /**
   * Issues the certificate of a completed enrollment, once: the unique index on the enrollment
   * decides, so a job that runs twice (or races the HTTP route) yields one certificate. The PDF
   * is stored first; a losing duplicate removes its own copy.
   */
  async issue(enrollmentId: string): Promise<IssueOutcome> {
    const existing = await this.certificates.findByEnrollment(enrollmentId);
    if (existing) return { created: false, certificate: existing };
    const enrollment = await this.enrollments.findById(enrollmentId);
    if (!enrollment) throw new EnrollmentNotFoundError();
    if (enrollment.status !== 'completed' || !enrollment.completedAt) {
      throw new EnrollmentNotCompletedError();
    }
    const course = await this.courses.findById(enrollment.courseId);
    if (!course) throw new EnrollmentNotFoundError();
    const [student, instructors] = await Promise.all([
      this.users.getById(enrollment.studentId),
      this.users.summaries([course.instructorId]),
    ]);
    const id = randomUUID();
    const storageKey = `certificates/${id}.pdf`;

    for (let attempt = 1; ; attempt++) {
      const certificateNumber = newCertificateNumber(new Date());
      const facts = {
        id,
        certificateNumber,
        enrollmentId,
        studentId: student.id,
        courseId: course.id,
        // An erased student (a queued issue that ran after the erasure) is named by no one.
        studentName: student.erasedAt ? null : student.fullName,
        courseTitle: course.title,
        instructorName: instructors.get(course.instructorId)?.fullName ?? '',
        completedAt: enrollment.completedAt,
        storageProvider: this.storage.provider,
        storageKey,
      };
      const pdf = await renderCertificatePdf({
        ...facts,
        verificationUrl: this.verificationUrl(certificateNumber),
      });
      await this.storage.put(storageKey, Readable.from([Buffer.from(pdf)]), 'application/pdf');
      try {
        const created = await this.dataSource.transaction(async (manager) => {
          const row = await this.certificates.insertIfAbsent(manager, facts);
          if (row) {
            await this.outbox.add(
              manager,
              domainEventJob('certificate.issued', toCertificateResponse(row)),
            );
          }
          return row;
        });
        if (created) {
          // The student was erased between the read above and the insert: no name in the PDF.
          if (created.studentName === null && facts.studentName !== null) {
            await this.rerender([created]);
          }
          return { created: true, certificate: created };
        }
      } catch (error) {
        if (!(error instanceof NumberClashError) || attempt >= NUMBER_ATTEMPTS) {
          await this.storage.delete(storageKey).catch(() => undefined);
          throw error;
        }
        continue;
      }
      await this.storage.delete(storageKey).catch(() => undefined);
      return {
        created: false,
        certificate: (await this.certificates.findByEnrollment(enrollmentId))!,
      };
    }
  }

  async mine(
    caller: AuthenticatedUser,
    query: PaginationQueryDto,
  ): Promise<Paginated<CertificateResponse>> {
    const [rows, total] = await this.certificates.findPageByStudent(
      caller.id,
      Paginated.offset(query.page, query.pageSize),
      query.pageSize,
    );
    return new Paginated(rows.map(toCertificateResponse), total, query.page, query.pageSize);
  }

  async get(id: string, caller: AuthenticatedUser): Promise<CertificateResponse> {
    return toCertificateResponse(await this.findOwned(id, caller));
  }

  async pdf(
    id: string,
    caller: AuthenticatedUser,
  ): Promise<{ certificate: Certificate; stream: Readable }> {
    const certificate = await this.findOwned(id, caller);
    return { certificate, stream: await this.storage.get(certificate.storageKey) };
  }

  /** Public: only what the certificate states, no ids or emails. */
  async verify(certificateNumber: string): Promise<CertificateVerificationResponse> {
    const certificate = await this.certificates.findByNumber(certificateNumber.toUpperCase());
    if (!certificate) throw new CertificateNotFoundError();
    return toVerificationResponse(certificate);
  }

  /** Sets `revokedAt` and the credential's status bit in one transaction. */
  async revoke(id: string): Promise<CertificateResponse> {
    if (!(await this.certificates.findById(id))) throw new CertificateNotFoundError();
    await this.dataSource.transaction(async (manager) => {
      await this.credentials.lock(manager, id);
      if (await this.certificates.revoke(id, manager)) {
        await this.credentials.markRevoked(manager, id);
        await this.audit.record(manager, { action: 'certificate.revoked', resourceId: id });
      }
    });
    return toCertificateResponse((await this.certificates.findById(id))!);
  }

  /**
   * Stores each certificate's PDF again from its row (after an erasure: without the name), under
   * the same key, so that downloads show what verification shows.
   */
  async rerender(certificates: Certificate[]): Promise<void> {
    for (const certificate of certificates) {
      const pdf = await renderCertificatePdf({
        ...certificate,
        verificationUrl: this.verificationUrl(certificate.certificateNumber),
      });
      await this.storage.put(
        certificate.storageKey,
        Readable.from([Buffer.from(pdf)]),
        'application/pdf',
      );
    }
  }

  /**
   * GET /certificates/:id/credential: issued on the first call, the same on every later one.
   * What needs a connection of its own (the student, the course, the signing key) is read before
   * the transaction; the certificate is read again under the credential lock, so a revocation
   * running at the same time is either seen here or sees the new status entry.
   */
  async credential(id: string, caller: AuthenticatedUser): Promise<IssuedCredential> {
    const certificate = await this.findOwned(id, caller);
    const issued = await this.credentials.find(id);
    if (issued) return issued;
    const [student, course, key] = await Promise.all([
      this.users.getById(certificate.studentId),
      certificate.courseId ? this.courses.findById(certificate.courseId) : null,
      this.credentials.signingKey(),
    ]);
    return this.dataSource.transaction(async (manager) => {
      await this.credentials.lock(manager, id);
      const current = await this.certificates.findById(id, manager);
      if (!current) throw new CertificateNotFoundError();
      return this.credentials.issue(manager, key, {
        id,
        certificateNumber: current.certificateNumber,
        issuedAt: current.issuedAt,
        revoked: current.revokedAt !== null,
        email: student.email,
        course: {
          id: current.courseId,
          title: current.courseTitle,
          description: course?.description ?? null,
        },
      });
    });
  }

  private async findOwned(id: string, caller: AuthenticatedUser): Promise<Certificate> {
    const certificate = await this.certificates.findById(id);
    this.access.assert(caller, 'certificate.read', { certificate });
    return certificate!;
  }

  private verificationUrl(certificateNumber: string): string {
    return `${this.app.publicUrl}/api/v1/certificates/verify/${certificateNumber}`;
  }
}
