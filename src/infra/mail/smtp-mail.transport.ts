import { createTransport, Transporter } from 'nodemailer';
import { MailMessage } from './mail-message';
import { MailTransport } from './mail.transport';

export class SmtpMailTransport extends MailTransport {
  private readonly transporter: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    super();
    this.transporter = createTransport(smtpUrl, {
      pool: true,
      connectionTimeout: 10_000,
      socketTimeout: 20_000,
    } as Record<string, unknown>);
  }

  async send(message: MailMessage): Promise<void> {
    await this.transporter.sendMail({ from: this.from, ...message });
  }

  close(): void {
    this.transporter.close();
  }
}
