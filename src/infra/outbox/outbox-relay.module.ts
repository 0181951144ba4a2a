import { Module } from '@nestjs/common';
import { OutboxRelay } from './outbox.relay';

/** The relay, imported only by the process that consumes jobs (worker, or API when inline). */
@Module({
  providers: [OutboxRelay],
  exports: [OutboxRelay],
})
export class OutboxRelayModule {}
