import { Global, Module } from '@nestjs/common';
import { JwksController } from './jwks.controller';
import { JwksRegistry } from './jwks.registry';

/** `/.well-known/jwks.json`: the union of the public keys that modules register. */
@Global()
@Module({
  controllers: [JwksController],
  providers: [JwksRegistry],
  exports: [JwksRegistry],
})
export class JwksModule {}
