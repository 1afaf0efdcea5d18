// One signed-in session's Apollo Client: queries and mutations over HTTP, the live subscription over graphql-ws
// on the same URL. The socket retries forever with a short capped backoff (at once when the browser comes back
// online), reports online/offline, and says when it came back so the open pages can catch up.
import { ApolloClient, ApolloLink, HttpLink } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
import { createCache } from './cache.ts';

export type Status = 'connecting' | 'online' | 'offline';

export interface ConnectionOptions {
  readonly token: string;
  onStatus(status: Status): void;
  /** The socket is back after a drop: what arrived meanwhile must be fetched. */
  onReconnected(): void;
  /** The server refused the token (HTTP 401 or close 4403): sign out. */
  onUnauthorized(): void;
}

export interface Connection {
  readonly client: ApolloClient;
  dispose(): void;
}

/** The server's close code for a missing, bad or expired token. */
const FORBIDDEN = 4403;
const MAX_RETRY_WAIT_MS = 4000;

export function createConnection(options: ConnectionOptions): Connection {
  const httpUrl = new URL('/graphql', location.href).href;
  const authorization = `Bearer ${options.token}`;
  let connectedBefore = false;
  let disposed = false;
  /** Set by a 4403 close: retrying with the same token cannot help. */
  let refused = false;

  /** Waits before the next attempt: 250 ms doubling up to 4 s, cut short when the browser goes online. */
  const retryWait = (retries: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        window.removeEventListener('online', done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(250 * 2 ** retries, MAX_RETRY_WAIT_MS));
      window.addEventListener('online', done);
    });

  const ws = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    lazy: false,
    connectionParams: { Authorization: authorization },
    retryAttempts: Number.MAX_SAFE_INTEGER,
    shouldRetry: () => !disposed && !refused,
    retryWait,
    // A lazy: false client reports a failed first connect here; the retries above still run.
    onNonLazyError: () => undefined,
    on: {
      connected: () => {
        options.onStatus('online');
        if (connectedBefore) options.onReconnected();
        connectedBefore = true;
      },
      closed: (event) => {
        if (disposed) return;
        options.onStatus('offline');
        if ((event as { code?: number } | undefined)?.code === FORBIDDEN) {
          refused = true;
          options.onUnauthorized();
        }
      },
    },
  });
  // Going offline rarely closes a socket at once: drop it ourselves so the page says so and reconnects.
  const onOffline = () => ws.terminate();
  window.addEventListener('offline', onOffline);

  const http = new HttpLink({
    uri: httpUrl,
    headers: { authorization },
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      if (res.status === 401) options.onUnauthorized();
      return res;
    },
  });
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    new GraphQLWsLink(ws),
    http,
  );
  const client = new ApolloClient({ link, cache: createCache() });
  return {
    client,
    dispose() {
      disposed = true;
      window.removeEventListener('offline', onOffline);
      // dispose() awaits a connection attempt in flight, which rejects when that attempt is refused (4403).
      Promise.resolve(ws.dispose()).catch(() => undefined);
      client.stop();
    },
  };
}
