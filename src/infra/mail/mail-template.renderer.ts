import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import Handlebars from 'handlebars';
import { appConfig } from '../../config/configuration';
import { MailMessage, TemplatedMail } from './mail-message';

const TEMPLATE_DIR = join(__dirname, 'templates');
const TEMPLATE_NAME = /^[a-z0-9-]+$/;
export const APP_NAME = 'LMS';

type Compiled = {
  subject: HandlebarsTemplateDelegate;
  html: HandlebarsTemplateDelegate;
  text: HandlebarsTemplateDelegate;
};

/**
 * Renders `<name>.subject|html|text.hbs` with Handlebars inside the shared layout; values are
 * HTML-escaped in the HTML part only. Templates are compiled once and cached.
 */
@Injectable()
export class MailTemplateRenderer {
  private readonly engine = Handlebars.create();
  private readonly cache = new Map<string, Compiled>();
  private readonly layout: HandlebarsTemplateDelegate;

  constructor(@Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>) {
    this.layout = this.engine.compile(readFileSync(join(TEMPLATE_DIR, 'layout.html.hbs'), 'utf8'));
  }

  render(mail: TemplatedMail): MailMessage {
    const template = this.compiled(mail.template);
    // Links in mails are for people: they open the web app (APP_WEB_URL), not the API.
    const context = { appName: APP_NAME, webUrl: this.app.webUrl, ...mail.context };
    const subject = template.subject(context).trim();
    return {
      to: mail.to,
      subject,
      html: this.layout({ ...context, subject, body: template.html(context) }),
      text: template.text(context),
    };
  }

  private compiled(name: string): Compiled {
    const cached = this.cache.get(name);
    if (cached) return cached;
    if (!TEMPLATE_NAME.test(name) || !existsSync(join(TEMPLATE_DIR, `${name}.subject.hbs`))) {
      throw new Error(`unknown mail template "${name}"`);
    }
    // Only the HTML part is HTML: escaping the subject or the text part would garble names
    // (O&#x27;Brien) and break links (?token&#x3D;...) for the reader.
    const load = (part: string, escape: boolean) =>
      this.engine.compile(readFileSync(join(TEMPLATE_DIR, `${name}.${part}.hbs`), 'utf8'), {
        strict: true,
        noEscape: !escape,
      });
    const compiled = {
      subject: load('subject', false),
      html: load('html', true),
      text: load('text', false),
    };
    this.cache.set(name, compiled);
    return compiled;
  }
}
