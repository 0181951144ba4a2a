import { ApiProperty } from '@nestjs/swagger';
import type { Certificate } from '../entities/certificate.entity';

const STUDENT_NAME = {
  type: String,
  nullable: true,
  description: 'null once the student’s personal data was erased',
};

export class CertificateResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'CERT-20261124-7K3Q9XH2M4' }) certificateNumber: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) enrollmentId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) courseId: string | null;
  @ApiProperty({ format: 'uuid' }) studentId: string;
  @ApiProperty() courseTitle: string;
  @ApiProperty(STUDENT_NAME) studentName: string | null;
  @ApiProperty({ format: 'date-time' }) issuedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt: string | null;
}

/** Public verification: no ids, no email, only what the certificate itself states. */
export class CertificateVerificationResponse {
  @ApiProperty({ description: 'false once revoked' }) valid: boolean;
  @ApiProperty() certificateNumber: string;
  @ApiProperty(STUDENT_NAME) studentName: string | null;
  @ApiProperty() courseTitle: string;
  @ApiProperty({ format: 'date-time' }) issuedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt: string | null;
}

export function toCertificateResponse(certificate: Certificate): CertificateResponse {
  return {
    id: certificate.id,
    certificateNumber: certificate.certificateNumber,
    enrollmentId: certificate.enrollmentId,
    courseId: certificate.courseId,
    studentId: certificate.studentId,
    courseTitle: certificate.courseTitle,
    studentName: certificate.studentName,
    issuedAt: certificate.issuedAt.toISOString(),
    revokedAt: certificate.revokedAt?.toISOString() ?? null,
  };
}

export function toVerificationResponse(certificate: Certificate): CertificateVerificationResponse {
  return {
    valid: certificate.revokedAt === null,
    certificateNumber: certificate.certificateNumber,
    studentName: certificate.studentName,
    courseTitle: certificate.courseTitle,
    issuedAt: certificate.issuedAt.toISOString(),
    revokedAt: certificate.revokedAt?.toISOString() ?? null,
  };
}
