// AWS AppSync's real-time dialect (subprotocol `graphql-ws`, the protocol Amplify's clients and the AppSync console
// speak) over one WebSocket, on the core. Auth comes with the handshake: a `header` query parameter (base64 JSON
// with `Authorization` and `host`) or a second subprotocol `header-<base64url JSON>`; a `start` is authorized by
// its own `extensions.authorization` when it carries one (Amplify shares one socket among several tokens). Messages: connection_init → connection_ack
// {connectionTimeoutMs}, `ka` keep-alives, start → start_ack | error, data, stop → complete, connection_error.
import type http from 'node:http';
import type { WebSocket } from 'ws';
import type { Logger } from '../../plugins/errors.ts';
import { ErrorType } from '../../runtime/errors.ts';
import type { CloseReason, OpenSession, Session, SubscriptionSink } from '../core.ts';

export const APPSYNC_REALTIME_PROTOCOL = 'graphql-ws';

export interface AppSyncRealtimeOptions {
  /** Close a socket that has neither sent connection_init nor a start by then. */
  readonly connectionInitWaitTimeoutMs: number;
  /** How often `ka` is sent; clients drop the connection after connectionTimeoutMs without one. */
  readonly keepAliveMs: number;
  readonly maxInitMessageBytes: number;
  readonly logger: Logger;
}

/** What AppSync tells clients to wait between keep-alives before they give up (its own value). */
export const CONNECTION_TIMEOUT_MS = 300_000;

export type Headers = Record<string, unknown>;

function decodeJson(text: string, encoding: 'base64' | 'base64url'): Headers | null {
  try {
    const value = JSON.parse(Buffer.from(text, encoding).toString('utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Headers) : null;
  } catch {
    return null;
  }
}

/** The handshake's auth headers: `?header=<base64 JSON>` or a `header-<base64url JSON>` subprotocol. */
export function handshakeHeaders(req: http.IncomingMessage): Headers | null {
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams.get('header');
  if (query) return decodeJson(query, 'base64');
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  const header = offered.find((p) => p.startsWith('header-'));
  return header ? decodeJson(header.slice('header-'.length), 'base64url') : null;
}

const authorizationOf = (headers: Headers | null | undefined): string | undefined => {
  const value = headers?.Authorization ?? headers?.authorization;
  return typeof value === 'string' ? value : undefined;
};

/** AppSync's close behaviour for each reason the core ends a connection. */
function closeFrame(reason: CloseReason): { code: number; reason: string; error?: Record<string, unknown> } {
  switch (reason.kind) {
    case 'shutdown':
      return { code: 1001, reason: 'Server shutting down' };
    case 'expired':
      return {
        code: 4401,
        reason: 'Token expired',
        error: { errorType: ErrorType.UnauthorizedException, message: 'The token has expired.', errorCode: 401 },
      };
    case 'forbidden':
      return {
        code: 4401,
        reason: 'Unauthorized',
        error: { errorType: ErrorType.UnauthorizedException, message: reason.message, errorCode: 401 },
      };
    case 'slow-consumer':
      return { code: 1013, reason: 'Slow consumer: events were not being read; reconnect and catch up' };
    case 'too-many-connections':
      return {
        code: 4429,
        reason: 'Too many connections',
        error: {
          errorType: ErrorType.LimitExceeded,
          message: `Too many connections for this user: at most ${reason.limit}.`,
          errorCode: 429,
        },
      };
  }
}

interface StartMessage {
  readonly id: string;
  readonly payload: { readonly data: string; readonly extensions?: { readonly authorization?: Headers } };
}

function parseStart(message: Record<string, unknown>): StartMessage | string {
  if (typeof message.id !== 'string' || message.id === '' || message.id.length > 256)
    return 'start needs an id (a string of 1–256 characters)';
  const payload = message.payload as Record<string, unknown> | undefined;
  if (!payload || typeof payload.data !== 'string')
    return 'start needs payload.data: a JSON string of {query, variables}';
  return message as unknown as StartMessage;
}

export function serveAppSyncRealtime(
  socket: WebSocket,
  /** The handshake's auth headers (handshakeHeaders of the upgrade request). */
  handshake: Headers | null,
  openSession: OpenSession,
  options: AppSyncRealtimeOptions,
  onAcknowledged: () => void,
): void {
  const send = (message: unknown) => session.send(JSON.stringify(message));
  const close = (code: number, reason: string) => {
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason);
  };
  const end = (reason: CloseReason) => {
    const frame = closeFrame(reason);
    if (frame.error && socket.readyState === socket.OPEN)
      socket.send(JSON.stringify({ type: 'connection_error', payload: { errors: [frame.error] } }));
    close(frame.code, frame.reason);
  };
  const session: Session = openSession({
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    send: (text) => {
      if (socket.readyState === socket.OPEN) socket.send(text);
    },
    close: end,
  });
  let init: Promise<boolean> | null = null;
  let alive = true;
  const initTimer = setTimeout(() => {
    session.end();
    close(4408, 'Connection initialisation timeout');
  }, options.connectionInitWaitTimeoutMs);
  // AppSync has no ping message: `ka` tells the client we live; protocol pings tell us the client does.
  const keepAlive = setInterval(() => {
    if (!alive) return socket.terminate();
    alive = false;
    socket.ping();
    send({ type: 'ka' });
  }, options.keepAliveMs);
  socket.on('pong', () => (alive = true));
  socket.on('close', () => {
    clearTimeout(initTimer);
    clearInterval(keepAlive);
    session.end();
  });
  socket.on('error', (error) => options.logger.warn('[cruddur] websocket error', error.message));

  /** Authenticates once, with the handshake's headers (or connection_init's, for clients that send them there). */
  function authenticate(authorization: string | undefined): Promise<boolean> {
    init ??= session.init(authorization).then((outcome) => {
      if (outcome.kind === 'rejected') {
        session.end();
        end(outcome.reason);
        return false;
      }
      clearTimeout(initTimer);
      onAcknowledged();
      return true;
    });
    return init;
  }

  const protocolError = (id: string | undefined, errorType: string, message: string) =>
    send({ type: 'error', ...(id ? { id } : {}), payload: { errors: [{ errorType, message }] } });

  function sinkFor(id: string): SubscriptionSink {
    const prefix = `{"id":${JSON.stringify(id)},"type":"data","payload":`;
    return { frame: (json) => prefix + json + '}', completed: () => send({ id, type: 'complete' }) };
  }

  async function onStart(start: StartMessage): Promise<void> {
    if (!(await authenticate(authorizationOf(handshake)))) return;
    // As on AppSync, a start is authorized by its own headers; one socket may carry several users' subscriptions.
    const own = authorizationOf(start.payload.extensions?.authorization);
    if (session.has(start.id))
      return protocolError(start.id, ErrorType.BadRequest, `A subscription with id ${start.id} is already running.`);
    let request: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      request = JSON.parse(start.payload.data) as typeof request;
    } catch {
      return protocolError(start.id, ErrorType.BadRequest, 'payload.data is not a JSON string of {query, variables}.');
    }
    if (!request || typeof request.query !== 'string')
      return protocolError(start.id, ErrorType.BadRequest, 'payload.data must hold a query string.');
    const outcome = await session.subscribe(
      start.id,
      {
        query: request.query,
        variables: (request.variables ?? null) as Record<string, unknown> | null,
        operationName: typeof request.operationName === 'string' ? request.operationName : null,
      },
      sinkFor(start.id),
      own,
    );
    if (outcome.kind === 'started') send({ id: start.id, type: 'start_ack' });
    else if (outcome.kind === 'failed') send({ id: start.id, type: 'error', payload: { errors: outcome.errors } });
  }

  socket.on('message', (data: Buffer) => {
    if (!session.authenticated && data.length > options.maxInitMessageBytes) {
      session.end();
      return close(4400, `Message of ${data.length} bytes before connection_ack`);
    }
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
      if (!message || typeof message !== 'object' || Array.isArray(message)) throw new Error('not an object');
    } catch {
      return protocolError(undefined, ErrorType.BadRequest, 'Messages must be JSON objects with a type.');
    }
    switch (message.type) {
      case 'connection_init': {
        const fromInit = authorizationOf((message.payload as Headers | undefined) ?? null);
        return void authenticate(authorizationOf(handshake) ?? fromInit).then((ok) => {
          if (ok) send({ type: 'connection_ack', payload: { connectionTimeoutMs: CONNECTION_TIMEOUT_MS } });
        });
      }
      case 'start': {
        const start = parseStart(message);
        if (typeof start === 'string')
          return protocolError(typeof message.id === 'string' ? message.id : undefined, ErrorType.BadRequest, start);
        return void onStart(start).catch((error: unknown) => {
          options.logger.error('[cruddur] start failed', error);
          protocolError(start.id, ErrorType.InternalFailure, 'An internal error occurred; it has been logged.');
        });
      }
      case 'stop': {
        if (typeof message.id !== 'string') return protocolError(undefined, ErrorType.BadRequest, 'stop needs an id.');
        session.complete(message.id);
        return send({ id: message.id, type: 'complete' });
      }
      default:
        return protocolError(
          typeof message.id === 'string' ? message.id : undefined,
          ErrorType.UnsupportedOperation,
          `${String(message.type ?? 'unknown')} not supported through the realtime channel`,
        );
    }
  });
}
