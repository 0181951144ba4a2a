import { SetMetadata } from '@nestjs/common';

export const DOMAIN_EVENT_SUBSCRIBER_KEY = 'outbox:domain-event-subscriber';

/**
 * Marks a provider method as a consumer of every domain event (webhooks fan-out, notifications,
 * learning records...). Consumers receive the `DomainEvent`, pick the types they care about,
 * must be idempotent (key their writes on `event.id`) and throw to ask for a retry: a retry
 * runs every consumer of the event again.
 */
export const OnDomainEvent = (): MethodDecorator => SetMetadata(DOMAIN_EVENT_SUBSCRIBER_KEY, true);
