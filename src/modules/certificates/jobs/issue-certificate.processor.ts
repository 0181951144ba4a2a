import { Injectable } from '@nestjs/common';
import { JobHandler } from '../../../infra/queue/job-handler.decorator';
import { JOBS, QUEUES } from '../../../infra/queue/queue.constants';
import { CertificatesService } from '../certificates.service';

/** Issues the certificate when an enrollment completes (queued by the enrollments module). */
@Injectable()
export class IssueCertificateProcessor {
  constructor(private readonly certificates: CertificatesService) {}

  @JobHandler(QUEUES.CERTIFICATES, JOBS.ISSUE_CERTIFICATE)
  async issue(payload: { enrollmentId: string }): Promise<void> {
    await this.certificates.issue(payload.enrollmentId);
  }
}
