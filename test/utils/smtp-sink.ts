import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The whole message as received: headers and MIME body. */
  raw: string;
}

/**
 * A real SMTP server on loopback (no auth, no TLS) that keeps every message it accepts, for tests
 * that send mail through SMTP_URL: `const sink = await SmtpSink.start()`.
 */
export class SmtpSink {
  private constructor(
    private readonly server: SMTPServer,
    /** `smtp://127.0.0.1:<port>`, ready for SMTP_URL. */
    readonly url: string,
    readonly messages: ReceivedMail[],
  ) {}

  static async start(): Promise<SmtpSink> {
    const messages: ReceivedMail[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // Pooled clients of apps that were not closed must not hold the test run for 30 s.
      closeTimeout: 1_000,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const { mailFrom, rcptTo } = session.envelope;
          messages.push({
            from: mailFrom ? mailFrom.address : '',
            to: rcptTo.map((rcpt) => rcpt.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.server.address() as AddressInfo;
    return new SmtpSink(server, `smtp://127.0.0.1:${port}`, messages);
  }

  /** Messages whose envelope includes `address`. */
  to(address: string): ReceivedMail[] {
    return this.messages.filter((mail) => mail.to.includes(address));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
