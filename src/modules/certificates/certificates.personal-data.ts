import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  AfterErasure,
  PersonalDataSection,
  PersonalDataSectionProvider,
} from '../../common/personal-data/personal-data-section';
import { CertificatesRepository } from './certificates.repository';
import { CertificatesService } from './certificates.service';
import { toCertificateResponse } from './dto/certificate.response';

/**
 * Certificates. Erasure keeps them (number, course, dates: verification still answers) without
 * the student's name, in the row and, after the commit, in the stored PDF.
 */
@Injectable()
@PersonalDataSectionProvider()
export class CertificatesPersonalData implements PersonalDataSection {
  readonly key = 'certificates';
  readonly kind = 'list';

  constructor(
    private readonly certificates: CertificatesRepository,
    private readonly service: CertificatesService,
  ) {}

  async *export(userId: string): AsyncIterable<unknown> {
    for (const row of await this.certificates.findAllByStudent(userId)) {
      yield toCertificateResponse(row);
    }
  }

  async erase(manager: EntityManager, userId: string): Promise<AfterErasure | void> {
    const rows = await this.certificates.clearStudentName(manager, userId);
    if (rows.length > 0) return () => this.service.rerender(rows);
  }
}
