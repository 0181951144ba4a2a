import { DynamicModule, Module } from '@nestjs/common';
import { coreImports } from './app.module';
import { OutboxRelayModule } from './infra/outbox/outbox-relay.module';
import { createQueueProcessor } from './infra/queue/queue-processor.factory';
import { ALL_QUEUES } from './infra/queue/queue.constants';

/** The worker: BullMQ consumers for every queue and the outbox relay; no HTTP controllers. */
@Module({})
export class WorkerModule {
  static forRoot(): DynamicModule {
    return {
      module: WorkerModule,
      imports: [...coreImports(), OutboxRelayModule],
      providers: ALL_QUEUES.map((queue) => createQueueProcessor(queue)),
    };
  }
}
