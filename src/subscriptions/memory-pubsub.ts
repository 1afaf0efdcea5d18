// PUBSUB=memory: one instance, events go straight from the publishing mutation to this process's subscribers.
// A creation event whose object was already published (a retried idempotent createMessage) is not sent again.
import { createRecentKeys, eventIdentity } from './event-identity.ts';
import { createListeners, type EventMapping, type PubSub } from './pubsub.ts';

export interface MemoryPubSubOptions {
  readonly events: Pick<EventMapping, 'streamedMutations'>;
}

export function createMemoryPubSub(options: MemoryPubSubOptions): PubSub {
  const listeners = createListeners();
  const seen = createRecentKeys();
  const identify = eventIdentity(options.events);
  return {
    publish(event) {
      const key = identify(event);
      if (key !== null && !seen.firstTime(key)) return;
      listeners.emit(event);
    },
    subscribe: (listener) => listeners.add(listener),
    async start() {},
    async close() {},
  };
}
