import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { JobHandler } from '../queue/job-handler.decorator';
import { JOBS, QUEUES } from '../queue/queue.constants';
import type { DomainEvent } from './domain-event';
import { DOMAIN_EVENT_SUBSCRIBER_KEY } from './domain-event-subscriber';

type Subscriber = { name: string; handle: (event: DomainEvent) => Promise<unknown> };

/**
 * Runs the domain-event job: hands the event to every `@OnDomainEvent()` method found at
 * start-up. All of them run even when one fails; the job then fails (and is retried) naming the
 * consumers that did, which is safe because consumers are idempotent per event id.
 */
@Injectable()
export class DomainEventDispatcher implements OnModuleInit {
  private readonly subscribers: Subscriber[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = (instance as Record<string, unknown>)[method];
        if (typeof fn !== 'function') continue;
        if (!this.reflector.get<boolean | undefined>(DOMAIN_EVENT_SUBSCRIBER_KEY, fn)) continue;
        this.subscribers.push({
          name: `${prototype.constructor.name}.${method}`,
          handle: (event) => Promise.resolve(fn.call(instance, event)),
        });
      }
    }
  }

  /** The consumers, by `Class.method`, in discovery order. */
  names(): string[] {
    return this.subscribers.map((subscriber) => subscriber.name);
  }

  @JobHandler(QUEUES.WEBHOOKS, JOBS.DOMAIN_EVENT)
  async dispatch(event: DomainEvent): Promise<void> {
    const outcomes = await Promise.allSettled(this.subscribers.map((s) => s.handle(event)));
    const failed = this.subscribers.filter((_, i) => outcomes[i].status === 'rejected');
    if (failed.length > 0) {
      const first = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      const reason = first.reason instanceof Error ? first.reason.message : String(first.reason);
      throw new Error(
        `domain event ${event.type} ${event.id}: ${failed.map((s) => s.name).join(', ')} failed (${reason})`,
      );
    }
  }
}
