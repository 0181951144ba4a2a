import { Global, Module } from '@nestjs/common';
import { DatabaseUrlProvider } from './database-url.provider';

@Global()
@Module({
  providers: [DatabaseUrlProvider],
  exports: [DatabaseUrlProvider],
})
export class DatabaseUrlModule {}
