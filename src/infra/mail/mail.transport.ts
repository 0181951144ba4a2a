import { MailMessage } from './mail-message';

/** Where rendered mails go: SMTP when SMTP_URL is set, `.eml` files otherwise. */
export abstract class MailTransport {
  abstract send(message: MailMessage): Promise<void>;
  abstract close(): void;
}
