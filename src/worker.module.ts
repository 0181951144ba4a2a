import type { WorkerHost } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { coreImports } from './app.module';
import { OutboxRelayModule } from './infra/outbox/outbox-relay.module';
import { createQueueProcessor } from './infra/queue/queue-processor.factory';
import { ALL_QUEUES } from './infra/queue/queue.constants';
import { QueueDrain } from './infra/queue/queue-drain';

/** The worker: BullMQ consumers for every queue and the outbox relay; no HTTP controllers. */
@Module({})
export class WorkerModule {
  static forRoot(): DynamicModule {
    const processors = ALL_QUEUES.map((queue) => createQueueProcessor(queue));
    return {
      module: WorkerModule,
      imports: [...coreImports(), OutboxRelayModule],
      providers: [
        ...processors,
        {
          provide: QueueDrain,
          inject: processors,
          useFactory: (...hosts: WorkerHost[]) => new QueueDrain(hosts),
        },
      ],
    };
  }
}
