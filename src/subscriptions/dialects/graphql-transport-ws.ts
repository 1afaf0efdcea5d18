// The graphql-transport-ws dialect (graphql-ws's subprotocol) over one WebSocket: message parsing, types and close
// codes come from graphql-ws; init timeout, keep-alive pings and framing live here; everything else is the core's.
// Auth: `{ Authorization: "<jwt>" }` (or Bearer, or `headers.Authorization`) in connection_init.
import { CloseCode, MessageType, parseMessage, stringifyMessage } from 'graphql-ws';
import type { WebSocket } from 'ws';
import type { Logger } from '../../plugins/errors.ts';
import type { CloseReason, OpenSession, SubscriptionSink } from '../core.ts';

export interface GraphQLTransportWsOptions {
  /** Close a socket that has not sent connection_init by then (default 3 s, as graphql-ws). */
  readonly connectionInitWaitTimeoutMs: number;
  /** Ping interval; a socket that has not answered the previous ping is terminated. */
  readonly keepAliveMs: number;
  /** Largest message accepted before the connection is acknowledged: connection_init carries only a token. */
  readonly maxInitMessageBytes: number;
  readonly logger: Logger;
}

/** The documented close code and reason for every way the server ends a connection. */
export function closeFrame(reason: CloseReason): { code: number; reason: string } {
  switch (reason.kind) {
    case 'shutdown':
      return { code: 1001, reason: 'Server shutting down' };
    case 'expired':
      return { code: CloseCode.Forbidden, reason: 'Forbidden: the token has expired; reconnect with a new one' };
    case 'forbidden':
      return { code: CloseCode.Forbidden, reason: `Forbidden: ${reason.message}` };
    case 'slow-consumer':
      // 1013 Try Again Later: graphql-ws clients reconnect, then catch up with messages(after:).
      return { code: 1013, reason: 'Slow consumer: events were not being read; reconnect and catch up' };
    case 'too-many-connections':
      return { code: 4429, reason: `Too many connections for this user: at most ${reason.limit}` };
  }
}

/** Close reasons are limited to 123 bytes by the WebSocket protocol. */
const clip = (text: string) => (Buffer.byteLength(text) <= 123 ? text : Buffer.from(text).subarray(0, 120).toString());

export function serveGraphQLTransportWs(
  socket: WebSocket,
  openSession: OpenSession,
  options: GraphQLTransportWsOptions,
  onAcknowledged: () => void,
): void {
  const close = (code: number, reason: string) => {
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, clip(reason));
  };
  const session = openSession({
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    send: (text) => {
      if (socket.readyState === socket.OPEN) socket.send(text);
    },
    close: (reason) => {
      const frame = closeFrame(reason);
      close(frame.code, frame.reason);
    },
  });
  let initReceived = false;
  let acknowledged = false;
  let alive = true;
  const initTimer = setTimeout(() => {
    session.end();
    close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
  }, options.connectionInitWaitTimeoutMs);
  const pingTimer = setInterval(() => {
    if (!alive) return socket.terminate();
    alive = false;
    session.send(stringifyMessage({ type: MessageType.Ping }));
  }, options.keepAliveMs);

  socket.on('close', () => {
    clearTimeout(initTimer);
    clearInterval(pingTimer);
    session.end();
  });
  socket.on('error', (error) => options.logger.warn('[cruddur] websocket error', error.message));

  const fail = (code: number, reason: string) => {
    session.end();
    close(code, reason);
  };

  async function onInit(payload: unknown): Promise<void> {
    if (initReceived) return fail(CloseCode.TooManyInitialisationRequests, 'Too many initialisation requests');
    initReceived = true;
    const outcome = await session.init(tokenFrom(payload));
    if (outcome.kind === 'rejected') {
      const frame = closeFrame(outcome.reason);
      return fail(frame.code, frame.reason);
    }
    clearTimeout(initTimer);
    acknowledged = true;
    onAcknowledged();
    session.send(stringifyMessage({ type: MessageType.ConnectionAck }));
  }

  function sinkFor(id: string): SubscriptionSink {
    const prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
    return {
      frame: (json) => prefix + json + '}',
      completed: () => session.send(stringifyMessage({ id, type: MessageType.Complete })),
    };
  }

  socket.on('message', (data: Buffer) => {
    if (!acknowledged && data.length > options.maxInitMessageBytes)
      return fail(
        CloseCode.BadRequest,
        `Message of ${data.length} bytes before connection_ack; at most ${options.maxInitMessageBytes}`,
      );
    let message;
    try {
      message = parseMessage(data.toString('utf8'));
    } catch (error) {
      return fail(CloseCode.BadRequest, `Invalid message received: ${(error as Error).message}`);
    }
    switch (message.type) {
      case MessageType.ConnectionInit:
        return void onInit(message.payload).catch((error: unknown) => {
          options.logger.error('[cruddur] connection_init failed', error);
          fail(CloseCode.InternalServerError, 'Internal server error');
        });
      case MessageType.Ping:
        return session.send(stringifyMessage({ type: MessageType.Pong }));
      case MessageType.Pong:
        alive = true;
        return;
      case MessageType.Subscribe: {
        const { id, payload } = message;
        if (!acknowledged) return fail(CloseCode.Unauthorized, 'Unauthorized');
        if (session.has(id)) return fail(CloseCode.SubscriberAlreadyExists, `Subscriber for ${id} already exists`);
        // The core answers every failure (internal ones included) as an outcome; it never rejects.
        return void session.subscribe(id, payload, sinkFor(id)).then((outcome) => {
          if (outcome.kind === 'failed')
            session.send(stringifyMessage({ id, type: MessageType.Error, payload: [...outcome.errors] }));
        });
      }
      case MessageType.Complete:
        return session.complete(message.id);
      default:
        return fail(CloseCode.BadRequest, `Unexpected message of type ${message.type} received`);
    }
  });
}

function tokenFrom(payload: unknown): string | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const p = payload as Record<string, unknown>;
  const value = p.Authorization ?? p.authorization ?? (p.headers as Record<string, unknown> | undefined)?.Authorization;
  return typeof value === 'string' ? value : undefined;
}
