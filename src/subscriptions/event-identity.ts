// Which events name one new object, and a bounded memory of those already delivered: a creation event carries the
// created object's id, so the same id twice is the same event (a retried idempotent createMessage, or a message
// seen both on a fast path and on the stream) and is delivered once per instance.
import type { EventMapping, PubSubEvent } from './pubsub.ts';

/** `mutation:id` for an event of a streamed mutation; null otherwise (updates and invalidations never repeat). */
export function eventIdentity(events: Pick<EventMapping, 'streamedMutations'>) {
  return (event: PubSubEvent): string | null =>
    event.kind === 'mutation' && events.streamedMutations.has(event.mutation) && typeof event.payload.id === 'string'
      ? `${event.mutation}:${event.payload.id}`
      : null;
}

/** An event the table's stream will also bring (a streamed mutation's), whether or not its payload has the id. */
export function isStreamed(events: Pick<EventMapping, 'streamedMutations'>, event: PubSubEvent): boolean {
  return event.kind === 'mutation' && events.streamedMutations.has(event.mutation);
}

/** Remembers recently delivered keys (bounded in count, oldest forgotten first). */
export function createRecentKeys(capacity = 10_000) {
  const keys = new Set<string>();
  return {
    has: (key: string) => keys.has(key),
    /** True the first time a key is seen. */
    firstTime(key: string): boolean {
      if (keys.has(key)) return false;
      keys.add(key);
      if (keys.size > capacity) keys.delete(keys.values().next().value as string);
      return true;
    },
  };
}
