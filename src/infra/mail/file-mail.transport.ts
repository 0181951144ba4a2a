import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { MailMessage } from './mail-message';
import { MailTransport } from './mail.transport';

/** Development without SMTP: each mail becomes DATA_DIR/mail/<time>-<uuid>.eml, openable in any mail client. */
export class FileMailTransport extends MailTransport {
  private readonly logger = new Logger('Mail');
  private readonly composer: Transporter;

  constructor(
    private readonly directory: string,
    private readonly from: string,
  ) {
    super();
    this.composer = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(message: MailMessage): Promise<void> {
    const info = (await this.composer.sendMail({ from: this.from, ...message })) as {
      message: Buffer;
    };
    await mkdir(this.directory, { recursive: true });
    const file = join(
      this.directory,
      `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`,
    );
    await writeFile(file, info.message, { mode: 0o600 });
    this.logger.log(`mail "${message.subject}" written to ${file}`);
  }

  close(): void {
    this.composer.close();
  }
}
