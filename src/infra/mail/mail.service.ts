import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { OutboxJob } from '../outbox/outbox.service';
import { JobHandler } from '../queue/job-handler.decorator';
import { JOBS, QUEUES } from '../queue/queue.constants';
import type { TemplatedMail } from './mail-message';
import { MailTemplateRenderer } from './mail-template.renderer';
import { MailTransport } from './mail.transport';

/** The outbox job that sends one templated mail; producers add it in their transaction. */
export function mailJob(mail: TemplatedMail): OutboxJob {
  return { queue: QUEUES.EMAIL, name: JOBS.SEND_EMAIL, payload: mail };
}

@Injectable()
export class MailService implements OnApplicationShutdown {
  constructor(
    private readonly renderer: MailTemplateRenderer,
    private readonly transport: MailTransport,
  ) {}

  @JobHandler(QUEUES.EMAIL, JOBS.SEND_EMAIL)
  async send(mail: TemplatedMail): Promise<void> {
    await this.transport.send(this.renderer.render(mail));
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
