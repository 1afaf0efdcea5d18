// PUBSUB=memory: one instance, events go straight from the publishing mutation to this process's subscribers.
// A creation event whose object was already published (a retried idempotent createMessage) is not sent again.
import { createRecentKeys, creationKey } from './event-identity.ts';
import { createListeners, type PubSub } from './pubsub.ts';

export function createMemoryPubSub(): PubSub {
  const listeners = createListeners();
  const seen = createRecentKeys();
  return {
    publish(event) {
      const key = creationKey(event);
      if (key !== null && !seen.firstTime(key)) return;
      listeners.emit(event);
    },
    subscribe: (listener) => listeners.add(listener),
    async start() {},
    async close() {},
  };
}
