// The fan-out contract: engines (in-process, DynamoDB stream, Redis) move events; the registry delivers them.

/** A mutation that succeeded, with its result restricted to its selection set; or a request to invalidate. */
export type PubSubEvent =
  | { readonly kind: 'mutation'; readonly mutation: string; readonly payload: Readonly<Record<string, unknown>> }
  | {
      readonly kind: 'invalidate';
      readonly subscriptionField: string;
      readonly payload: Readonly<Record<string, unknown>>;
    };

/**
 * What the app tells the engines about its events, handed over where the app is wired (src/data/message-events.ts):
 * the engines know no table items and no mutation names of their own.
 */
export interface EventMapping {
  /** The event a new table item (from the table's stream) stands for; null: the item is not a live event. */
  readonly eventFromItem: (item: Readonly<Record<string, unknown>>) => PubSubEvent | null;
  /**
   * Mutations whose every successful call creates one item that comes back through the table's stream (as the
   * event `eventFromItem` makes of it). Their events are identified by the payload's `id`: the same id twice is
   * the same event, delivered once per instance.
   */
  readonly streamedMutations: ReadonlySet<string>;
}

export type PubSubListener = (event: PubSubEvent) => void;

export interface PubSub {
  /** Publishes an event from this instance (after a mutation succeeded here). */
  publish(event: PubSubEvent): void;
  /** Receives every event for this instance's subscribers; returns the unsubscribe function. */
  subscribe(listener: PubSubListener): () => void;
  start(): Promise<void>;
  close(): Promise<void>;
  /** An engine with a service of its own (Redis) offers a check of it for /health/ready: its name and the check. */
  readonly readiness?: { readonly name: string; check(): Promise<EngineHealth> };
}

/** What an engine's readiness check found; a reason is shown to callers, so it is short and fixed. */
export type EngineHealth = { readonly status: 'ok' } | { readonly status: 'down'; readonly reason: string };

/** Listener bookkeeping shared by the engines. */
export function createListeners() {
  const listeners = new Set<PubSubListener>();
  return {
    add(listener: PubSubListener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit(event: PubSubEvent) {
      for (const listener of listeners) listener(event);
    },
  };
}
