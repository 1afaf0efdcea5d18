// PUBSUB=memory: one instance, events go straight from the publishing mutation to this process's subscribers.
import { createListeners, type PubSub } from './pubsub.ts';

export function createMemoryPubSub(): PubSub {
  const listeners = createListeners();
  return {
    publish: (event) => listeners.emit(event),
    subscribe: (listener) => listeners.add(listener),
    async start() {},
    async close() {},
  };
}
