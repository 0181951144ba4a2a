export interface MailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
}

/** A templated mail as producers queue it: `template` names files under mail/templates. */
export interface TemplatedMail {
  to: string;
  template: string;
  context: Record<string, unknown>;
}
