// Which events name one new object, and a bounded memory of those already delivered: a creation event carries the
// created object's id, so the same id twice is the same event (a retried idempotent createMessage, or a message
// seen both locally and on the stream) and is delivered once per instance.
import type { PubSubEvent } from './pubsub.ts';

/** Mutations whose every successful call creates one object (their rows come back through the table's stream). */
export const CREATION_MUTATIONS: ReadonlySet<string> = new Set(['createMessage']);

/** `mutation:id` for a creation event, else null (updates and invalidations are never deduplicated). */
export function creationKey(event: PubSubEvent): string | null {
  return event.kind === 'mutation' && CREATION_MUTATIONS.has(event.mutation) && typeof event.payload.id === 'string'
    ? `${event.mutation}:${event.payload.id}`
    : null;
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
