import { Injectable } from '@nestjs/common';
import type { OutboxJob } from '../../../infra/outbox/outbox.service';
import { JobHandler } from '../../../infra/queue/job-handler.decorator';
import { JOBS, QUEUES } from '../../../infra/queue/queue.constants';
import { CertificatesRepository } from '../certificates.repository';
import { CertificatesService } from '../certificates.service';

/**
 * The job that stores certificates' PDFs again from their rows: written in an erasure's
 * transaction, so a PDF that still names the student is replaced even when the attempt right after
 * the commit fails (storage down for a while); the queue retries. Certificate ids only.
 */
export function rerenderCertificatesJob(certificateIds: string[]): OutboxJob {
  return {
    queue: QUEUES.CERTIFICATES,
    name: JOBS.RERENDER_CERTIFICATES,
    payload: { certificateIds },
  };
}

@Injectable()
export class RerenderCertificatesProcessor {
  constructor(
    private readonly certificates: CertificatesService,
    private readonly rows: CertificatesRepository,
  ) {}

  /** Idempotent: each PDF is rendered from its row and stored under the same key. */
  @JobHandler(QUEUES.CERTIFICATES, JOBS.RERENDER_CERTIFICATES)
  async rerender({ certificateIds }: { certificateIds: string[] }): Promise<void> {
    await this.certificates.rerender(await this.rows.findByIds(certificateIds));
  }
}
