import { Injectable } from '@nestjs/common';
import { CertificateLookup } from '../enrollments/certificate.lookup';
import { CertificatesRepository } from './certificates.repository';

/** Lets enrollments show their `certificateId` without depending on this module. */
@Injectable()
export class CertificateLookupProvider extends CertificateLookup {
  constructor(private readonly certificates: CertificatesRepository) {
    super();
  }

  idsByEnrollment(enrollmentIds: string[]): Promise<Map<string, string>> {
    return this.certificates.idsByEnrollment(enrollmentIds);
  }
}
