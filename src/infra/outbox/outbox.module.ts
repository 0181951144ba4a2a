import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DomainEventDispatcher } from './domain-event.dispatcher';
import { OutboxMessage } from './outbox-message.entity';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';

/** The write side, for every process that changes data, and the domain-event dispatcher. */
@Global()
@Module({
  imports: [DiscoveryModule, TypeOrmModule.forFeature([OutboxMessage])],
  providers: [OutboxService, OutboxRepository, DomainEventDispatcher],
  exports: [OutboxService, OutboxRepository],
})
export class OutboxModule {}
