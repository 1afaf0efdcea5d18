// Subscription test helpers around the real graphql-ws client over real WebSockets.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Listener {
  readonly events: any[];
  error: unknown;
  completed: boolean;
  /** Resolves once `count` events arrived (or rejects after `ms`). */
  waitFor(count: number, ms?: number): Promise<any[]>;
  /** Resolves with the error the subscription ended with. */
  waitError(ms?: number): Promise<unknown>;
  waitComplete(ms?: number): Promise<void>;
  stop(): void;
}

export interface Connection {
  readonly client: Client;
  /** The close event of the socket, once it closes. */
  readonly closed: Promise<{ code: number; reason: string; at: number }>;
  listen(query: string, variables?: Record<string, unknown>): Listener;
  dispose(): Promise<void>;
}

export function wsUrl(httpUrl: string): string {
  return httpUrl.replace(/^http/, 'ws');
}

async function until(check: () => boolean, ms: number, what: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function connect(httpUrl: string, token: string | null, connectionParams?: Record<string, unknown>): Connection {
  let resolveClosed: (value: { code: number; reason: string; at: number }) => void = () => undefined;
  const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) => (resolveClosed = resolve));
  const client = createClient({
    url: wsUrl(httpUrl),
    webSocketImpl: WebSocket,
    connectionParams: connectionParams ?? (token === null ? {} : { Authorization: token }),
    retryAttempts: 0,
    lazy: true,
    on: {
      closed: (event) =>
        resolveClosed({
          code: (event as { code: number }).code,
          reason: String((event as { reason?: string }).reason ?? ''),
          at: Date.now(),
        }),
    },
  });
  return {
    client,
    closed,
    listen(query, variables) {
      const listener: Listener = {
        events: [],
        error: undefined,
        completed: false,
        async waitFor(count, ms = 5_000) {
          await until(
            () => listener.events.length >= count || listener.error !== undefined,
            ms,
            () => `${count} events (have ${listener.events.length})`,
          );
          if (listener.events.length < count) throw new Error(`subscription failed: ${JSON.stringify(listener.error)}`);
          return listener.events;
        },
        async waitError(ms = 5_000) {
          await until(
            () => listener.error !== undefined,
            ms,
            () => 'an error',
          );
          return listener.error;
        },
        async waitComplete(ms = 5_000) {
          await until(
            () => listener.completed,
            ms,
            () => 'completion',
          );
        },
        stop: () => undefined,
      };
      listener.stop = client.subscribe(
        { query, variables },
        {
          next: (value) => void listener.events.push(value),
          error: (error) => void (listener.error = error),
          complete: () => void (listener.completed = true),
        },
      );
      return listener;
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
