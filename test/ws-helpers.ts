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

/** Polls `check` every 10 ms; rejects after `ms`, saying what it waited for. */
export async function until(check: () => boolean, ms: number, what: string | (() => string)): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
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

export interface RawSocket {
  readonly ws: WebSocket;
  /** Every message received, parsed. */
  readonly messages: any[];
  readonly closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  /** Resolves with the first message (received so far or later) that matches. */
  waitFor(match: (message: any) => boolean, ms?: number): Promise<any>;
}

/** A bare graphql-transport-ws socket, for what a well-behaved client never sends. `token` set: init + wait for ack. */
export async function rawSocket(
  httpUrl: string,
  token?: string,
  protocol = 'graphql-transport-ws',
): Promise<RawSocket> {
  const ws = new WebSocket(wsUrl(httpUrl), protocol);
  const messages: any[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    // Answers keep-alive pings, as every graphql-ws client does (or the server drops the socket).
    if (message.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
    else messages.push(message);
  });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const socket: RawSocket = {
    ws,
    messages,
    closed,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    async waitFor(match, ms = 5_000) {
      await until(
        () => messages.some(match),
        ms,
        () => `a matching message (have ${JSON.stringify(messages).slice(0, 300)})`,
      );
      return messages.find(match);
    },
  };
  if (token !== undefined) {
    socket.send({ type: 'connection_init', payload: { Authorization: token } });
    await socket.waitFor((m) => m.type === 'connection_ack');
  }
  return socket;
}
