import { Injectable } from '@nestjs/common';
import { JobHandler } from '../../../infra/queue/job-handler.decorator';
import { JOBS, QUEUES } from '../../../infra/queue/queue.constants';
import { AuthService } from '../auth.service';
import type { AccountTokenMail, PasswordResetRequest } from '../auth.service';

/** Reset requests and account-token mails, on the email queue. Payloads never hold a secret. */
@Injectable()
export class AccountMailProcessor {
  constructor(private readonly auth: AuthService) {}

  @JobHandler(QUEUES.EMAIL, JOBS.REQUEST_PASSWORD_RESET)
  requestReset(request: PasswordResetRequest): Promise<void> {
    return this.auth.handlePasswordResetRequest(request);
  }

  @JobHandler(QUEUES.EMAIL, JOBS.SEND_ACCOUNT_TOKEN)
  send(job: AccountTokenMail): Promise<void> {
    return this.auth.sendAccountToken(job);
  }
}
