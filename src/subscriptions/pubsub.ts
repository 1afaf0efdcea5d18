// The fan-out contract: engines (in-process, DynamoDB stream) move events; the registry delivers them.

/** A mutation that succeeded, with its result restricted to its selection set; or a request to invalidate. */
export type PubSubEvent =
  | { readonly kind: 'mutation'; readonly mutation: string; readonly payload: Readonly<Record<string, unknown>> }
  | {
      readonly kind: 'invalidate';
      readonly subscriptionField: string;
      readonly payload: Readonly<Record<string, unknown>>;
    };

export type PubSubListener = (event: PubSubEvent) => void;

export interface PubSub {
  /** Publishes an event from this instance (after a mutation succeeded here). */
  publish(event: PubSubEvent): void;
  /** Receives every event for this instance's subscribers; returns the unsubscribe function. */
  subscribe(listener: PubSubListener): () => void;
  start(): Promise<void>;
  close(): Promise<void>;
}

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
