import { Global, Module } from '@nestjs/common';
import { AccessRepository } from './access.repository';
import { AccessService } from './access.service';

/** Global: every domain module asks the same gate. */
@Global()
@Module({
  providers: [AccessService, AccessRepository],
  exports: [AccessService],
})
export class AccessModule {}
