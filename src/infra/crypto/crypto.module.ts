import { Global, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { authConfig } from '../../config/configuration';
import { SecretBox } from './secret-box';

@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [authConfig.KEY],
      useFactory: (cfg: ConfigType<typeof authConfig>) => new SecretBox(cfg.encryptionKey),
    },
  ],
  exports: [SecretBox],
})
export class CryptoModule {}
