import { join } from 'node:path';
import { Global, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig, mailConfig } from '../../config/configuration';
import { FileMailTransport } from './file-mail.transport';
import { MailTemplateRenderer } from './mail-template.renderer';
import { MailService } from './mail.service';
import { MailTransport } from './mail.transport';
import { SmtpMailTransport } from './smtp-mail.transport';

@Global()
@Module({
  providers: [
    MailTemplateRenderer,
    MailService,
    {
      provide: MailTransport,
      inject: [mailConfig.KEY, appConfig.KEY],
      useFactory: (mail: ConfigType<typeof mailConfig>, app: ConfigType<typeof appConfig>) =>
        mail.smtpUrl
          ? new SmtpMailTransport(mail.smtpUrl, mail.from)
          : new FileMailTransport(join(app.dataDir, 'mail'), mail.from),
    },
  ],
  exports: [MailService, MailTemplateRenderer],
})
export class MailModule {}
