// WebSockets on the HTTP server: accepts upgrades on the GraphQL path and its /realtime sibling, bounds what a
// connection costs before it has authenticated (frame size, pending connections in all and per address), and hands
// each socket to its wire dialect (graphql-transport-ws, or AppSync real-time) over the subscription core.
import { GRAPHQL_TRANSPORT_WS_PROTOCOL } from 'graphql-ws';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../plugins/errors.ts';
import type { RequestMeta } from '../runtime/context.ts';
import type { SubscriptionCore, Transport } from './core.ts';
import { APPSYNC_REALTIME_PROTOCOL, handshakeHeaders, serveAppSyncRealtime } from './dialects/appsync-realtime.ts';
import { serveGraphQLTransportWs, type GraphQLTransportWsOptions } from './dialects/graphql-transport-ws.ts';

export interface WebSocketLimits {
  /** Largest WebSocket message (frame payload) accepted at all; larger ones close the socket with 1009. */
  readonly maxMessageBytes: number;
  /** Largest message before connection_ack (connection_init carries only a token). */
  readonly maxInitMessageBytes: number;
  /** Connections upgraded but not yet acknowledged, in all and per source address. */
  readonly maxPendingConnections: number;
  readonly maxPendingPerAddress: number;
}

export interface WebSocketServerOptions {
  readonly httpServer: http.Server;
  /** graphql-transport-ws here (and AppSync's dialect for clients that offer only `graphql-ws`). */
  readonly path: string;
  /** AppSync's real-time dialect, where Amplify looks for it: the GraphQL path + `/realtime`. */
  readonly realtimePath: string;
  readonly core: SubscriptionCore;
  readonly limits: WebSocketLimits;
  readonly connectionInitWaitTimeoutMs: number;
  readonly keepAliveMs: number;
  /** The request's headers and source addresses, exactly as HTTP requests report them to resolvers. */
  readonly metaOf: (req: http.IncomingMessage) => RequestMeta;
  readonly logger: Logger;
  /** An upgrade refused with 503 because too many connections are waiting for connection_init; must not throw. */
  readonly onRefused?: (reason: 'pending-connections') => void;
}

export interface WebSocketEndpoint {
  readonly connections: number;
  /** Completes every subscription and closes every socket with 1001. */
  dispose(): Promise<void>;
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export function createWebSocketServer(options: WebSocketServerOptions): WebSocketEndpoint {
  const { limits, core } = options;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes,
    // Compression trades CPU and per-socket zlib memory for bandwidth; events are small JSON.
    perMessageDeflate: false,
    handleProtocols: (protocols, req) => {
      const realtime = new URL(req.url ?? '/', 'http://localhost').pathname === options.realtimePath;
      if (!realtime && protocols.has(GRAPHQL_TRANSPORT_WS_PROTOCOL)) return GRAPHQL_TRANSPORT_WS_PROTOCOL;
      return protocols.has(APPSYNC_REALTIME_PROTOCOL) ? APPSYNC_REALTIME_PROTOCOL : false;
    },
  });
  let pending = 0;
  const pendingByAddress = new Map<string, number>();
  const dialect: GraphQLTransportWsOptions = {
    connectionInitWaitTimeoutMs: options.connectionInitWaitTimeoutMs,
    keepAliveMs: options.keepAliveMs,
    maxInitMessageBytes: limits.maxInitMessageBytes,
    logger: options.logger,
  };

  function onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== options.path && path !== options.realtimePath) return refuse(socket, 404, 'Not Found');
    const address = req.socket.remoteAddress ?? '';
    const fromAddress = pendingByAddress.get(address) ?? 0;
    if (pending >= limits.maxPendingConnections || fromAddress >= limits.maxPendingPerAddress) {
      options.onRefused?.('pending-connections');
      return refuse(socket, 503, 'Service Unavailable');
    }
    pending += 1;
    pendingByAddress.set(address, fromAddress + 1);
    const settle = pendingSlot(address);
    socket.once('close', settle);
    // Taken from the request now: no closure below may reference `req`, or every open socket would keep its whole
    // upgrade request alive (settle and the callback share this scope; measured: ~7 KB per connection).
    const meta = options.metaOf(req);
    const handshake = handshakeHeaders(req);
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const open = (transport: Transport) => core.openSession(transport, meta);
      if (ws.protocol === GRAPHQL_TRANSPORT_WS_PROTOCOL) return serveGraphQLTransportWs(ws, open, dialect, settle);
      if (ws.protocol === APPSYNC_REALTIME_PROTOCOL) return serveAppSyncRealtime(ws, handshake, open, dialect, settle);
      settle();
      ws.close(4406, 'Subprotocol not acceptable: use graphql-transport-ws (or graphql-ws, AppSync real-time)');
    });
  }

  /** Releases one pending place of `address`, once (on acknowledgement or close, whichever comes first). */
  function pendingSlot(address: string): () => void {
    let counted = true;
    return () => {
      if (!counted) return;
      counted = false;
      pending -= 1;
      const left = (pendingByAddress.get(address) ?? 1) - 1;
      if (left > 0) pendingByAddress.set(address, left);
      else pendingByAddress.delete(address);
    };
  }

  options.httpServer.on('upgrade', onUpgrade);
  return {
    get connections() {
      return wss.clients.size;
    },
    async dispose() {
      options.httpServer.off('upgrade', onUpgrade);
      core.dispose();
      for (const ws of wss.clients) ws.close(1001, 'Server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
