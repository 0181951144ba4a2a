import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { DomainEvent } from './domain-event';
import { DomainEventDispatcher } from './domain-event.dispatcher';
import { OnDomainEvent } from './domain-event-subscriber';

const seen: string[] = [];

@Injectable()
class Recorder {
  @OnDomainEvent()
  record(event: DomainEvent): void {
    seen.push(`recorder:${event.id}`);
  }
}

@Injectable()
class Failing {
  @OnDomainEvent()
  async explode(event: DomainEvent): Promise<void> {
    seen.push(`failing:${event.id}`);
    return Promise.reject(new Error('store is down'));
  }

  notASubscriber(): void {
    seen.push('never');
  }
}

const event: DomainEvent = { id: 'e1', type: 'webhook.test', timestamp: '', data: {} };

async function dispatcherWith(...providers: Array<new () => object>) {
  const module = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [DomainEventDispatcher, ...providers],
  }).compile();
  await module.init();
  return module.get(DomainEventDispatcher);
}

describe('DomainEventDispatcher', () => {
  beforeEach(() => seen.splice(0));

  it('finds every @OnDomainEvent method and hands each the event', async () => {
    const dispatcher = await dispatcherWith(Recorder);
    expect(dispatcher.names()).toEqual(['Recorder.record']);
    await dispatcher.dispatch(event);
    expect(seen).toEqual(['recorder:e1']);
  });

  it('runs the others when one consumer fails, then fails naming it', async () => {
    const dispatcher = await dispatcherWith(Failing, Recorder);
    await expect(dispatcher.dispatch(event)).rejects.toThrow(
      'domain event webhook.test e1: Failing.explode failed (store is down)',
    );
    expect(seen.sort()).toEqual(['failing:e1', 'recorder:e1']);
  });
});
