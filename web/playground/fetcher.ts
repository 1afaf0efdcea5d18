// The playground's fetcher: queries and mutations over HTTP, subscriptions over graphql-ws on the same URL. The
// socket authenticates in connection_init, so each distinct Authorization header gets its own socket (the old
// one is closed when the header changes).
import { createGraphiQLFetcher, type Fetcher, type FetcherOpts, type FetcherParams } from '@graphiql/toolkit';
import { Kind, parse } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { signedIn } from './session.ts';

/**
 * The running tab's headers, with the signed-in user's Authorization when the tab has none of its own. GraphiQL 4
 * keeps headers per tab and its HTTP fetcher sends only those, so without this a user picked on one tab signed in
 * that tab alone: another tab's query went out with no Authorization (and, before the socket, with its own).
 */
export function requestHeaders(tabHeaders: FetcherOpts['headers'], signedInAs: string): Record<string, unknown> {
  const headers = { ...(tabHeaders ?? {}) } as Record<string, unknown>;
  const own = Object.keys(headers).some((k) => k.toLowerCase() === 'authorization');
  if (!own && signedInAs) headers.Authorization = signedInAs;
  return headers;
}

/**
 * The request with an operationName its own document defines. Run right after a tab switch, GraphiQL 4 can send
 * the previous tab's operationName with the new tab's document (the server then refuses it: "Unknown operation
 * named"); when the document has exactly one operation, that one is what the person ran.
 */
export function withOwnOperationName(params: FetcherParams): FetcherParams {
  if (!params.operationName) return params;
  let names: (string | undefined)[];
  try {
    names = parse(params.query)
      .definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)
      .map((d) => d.name?.value);
  } catch {
    return params; // The server reports the syntax error.
  }
  if (names.includes(params.operationName) || names.length !== 1) return params;
  return { ...params, operationName: names[0] ?? null };
}

export interface PlaygroundFetcherOptions {
  /** The HTTP client; the browser's fetch by default (tests in Node pass Node's). */
  readonly fetch?: typeof fetch;
}

export function createPlaygroundFetcher(httpUrl: string, options: PlaygroundFetcherOptions = {}): Fetcher {
  const wsUrl = httpUrl.replace(/^http/, 'ws');
  let current: { auth: string; fetcher: Fetcher; client: Client } | null = null;
  const fetcherFor = (auth: string) => {
    if (current?.auth === auth) return current.fetcher;
    // dispose() awaits a connection attempt in flight, which rejects when the server refused it.
    if (current) Promise.resolve(current.client.dispose()).catch(() => undefined);
    const client = createClient({ url: wsUrl, lazy: true, connectionParams: auth ? { Authorization: auth } : {} });
    const fetcher = createGraphiQLFetcher({
      url: httpUrl,
      wsClient: client,
      enableIncrementalDelivery: false,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    current = { auth, fetcher, client };
    return fetcher;
  };
  return (params, opts) => {
    const headers = requestHeaders(opts?.headers, signedIn.get());
    const key = Object.keys(headers).find((k) => k.toLowerCase() === 'authorization');
    // The same Authorization for HTTP (in the headers) and for the socket (in its connection_init).
    return fetcherFor(key ? String(headers[key]) : '')(withOwnOperationName(params), { ...opts, headers });
  };
}
