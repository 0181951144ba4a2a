import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  AfterErasure,
  PersonalDataSection,
  PersonalDataSectionProvider,
} from '../../common/personal-data/personal-data-section';
import { OutboxService } from '../../infra/outbox/outbox.service';
import { CertificatesRepository } from './certificates.repository';
import { rerenderCertificatesJob } from './jobs/rerender-certificates.processor';
import { CertificatesService } from './certificates.service';
import { toCertificateResponse } from './dto/certificate.response';

/**
 * Certificates. Erasure keeps them (number, course, dates: verification still answers) without
 * the student's name, in the row and, after the commit, in the stored PDF (a retrying job,
 * written in the erasure's transaction, makes sure of the PDF).
 */
@Injectable()
@PersonalDataSectionProvider()
export class CertificatesPersonalData implements PersonalDataSection {
  readonly key = 'certificates';
  readonly kind = 'list';

  constructor(
    private readonly certificates: CertificatesRepository,
    private readonly service: CertificatesService,
    private readonly outbox: OutboxService,
  ) {}

  async *export(userId: string): AsyncIterable<unknown> {
    for (const row of await this.certificates.findAllByStudent(userId)) {
      yield toCertificateResponse(row);
    }
  }

  async erase(manager: EntityManager, userId: string): Promise<AfterErasure | void> {
    const rows = await this.certificates.clearStudentName(manager, userId);
    if (rows.length === 0) return;
    // The retrying job commits with the rows; the attempt right after the commit usually makes
    // it a repeat of the same PDFs, so they name no one when the erasure answers.
    await this.outbox.add(manager, rerenderCertificatesJob(rows.map((row) => row.id)));
    return () => this.service.rerender(rows);
  }
}
