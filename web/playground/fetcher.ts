// The playground's fetcher: queries and mutations over HTTP, subscriptions over graphql-ws on the same URL. The
// socket authenticates in connection_init, so each distinct Authorization header gets its own socket (the old
// one is closed when the header changes).
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { createClient, type Client } from 'graphql-ws';
import { signedIn } from './session.ts';

export function createPlaygroundFetcher(httpUrl: string): Fetcher {
  const wsUrl = httpUrl.replace(/^http/, 'ws');
  let current: { auth: string; fetcher: Fetcher; client: Client } | null = null;
  const fetcherFor = (auth: string) => {
    if (current?.auth === auth) return current.fetcher;
    // dispose() awaits a connection attempt in flight, which rejects when the server refused it.
    if (current) Promise.resolve(current.client.dispose()).catch(() => undefined);
    const client = createClient({ url: wsUrl, lazy: true, connectionParams: auth ? { Authorization: auth } : {} });
    const fetcher = createGraphiQLFetcher({ url: httpUrl, wsClient: client, enableIncrementalDelivery: false });
    current = { auth, fetcher, client };
    return fetcher;
  };
  return (params, opts) => {
    const headers = (opts?.headers ?? {}) as Record<string, unknown>;
    const key = Object.keys(headers).find((k) => k.toLowerCase() === 'authorization');
    return fetcherFor(key ? String(headers[key]) : signedIn.get())(params, opts);
  };
}
