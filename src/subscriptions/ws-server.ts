// The graphql-transport-ws protocol (graphql-ws's subprotocol) on the HTTP server's /graphql path. Message
// parsing, types and close codes come from graphql-ws; this module owns the connection lifecycle so that an
// event is serialised once per subscription group (graphql-ws's own server serialises per subscriber).
// Auth: `{ Authorization: "<jwt>" }` (or Bearer) in connection_init; every subscribe runs its subscription
// resolver with that identity; the socket closes with 4403 when the token expires.
import {
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import {
  CloseCode,
  GRAPHQL_TRANSPORT_WS_PROTOCOL,
  MessageType,
  parseMessage,
  stringifyMessage,
  type SubscribeMessage,
} from 'graphql-ws';
import type http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { AuthError, type Authenticator } from '../auth/authenticator.ts';
import type { Logger } from '../plugins/errors.ts';
import { createRequestContext, type CognitoIdentity } from '../runtime/context.ts';
import { ErrorType } from '../runtime/errors.ts';
import { validateFilter, type SubscriptionFilter } from './filters.ts';
import type { Registry } from './registry.ts';

export interface WsServerOptions {
  readonly httpServer: http.Server;
  readonly path: string;
  readonly schema: GraphQLSchema;
  readonly registry: Registry;
  readonly authenticator: Authenticator;
  readonly env: Readonly<Record<string, string>>;
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  readonly logger: Logger;
  /** Close a socket that has not sent connection_init by then (default 3 s, as graphql-ws). */
  readonly connectionInitWaitTimeoutMs?: number;
  /** Ping interval; a socket that has not answered the previous ping is terminated (default 12 s). */
  readonly keepAliveMs?: number;
  /** Active plus starting subscriptions per socket (default 100, AppSync's quota). */
  readonly maxSubscriptionsPerConnection?: number;
}

export interface WsServer {
  readonly connections: number;
  /** Completes every subscription and closes every socket with 1001. */
  dispose(): Promise<void>;
}

/** Parsed and validated documents by source text: a repeated subscription document is parsed once. */
function createDocumentCache(schema: GraphQLSchema, capacity = 1000) {
  const cache = new Map<string, DocumentNode | readonly GraphQLError[]>();
  return (query: string): DocumentNode | readonly GraphQLError[] => {
    const hit = cache.get(query);
    if (hit) return hit;
    let entry: DocumentNode | readonly GraphQLError[];
    try {
      const document = parse(query);
      const errors = validate(schema, document);
      entry = errors.length ? errors : document;
    } catch (error) {
      entry = [error as GraphQLError];
    }
    cache.set(query, entry);
    if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
    return entry;
  };
}

function tokenFrom(payload: unknown): string | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const p = payload as Record<string, unknown>;
  const value = p.Authorization ?? p.authorization ?? (p.headers as Record<string, unknown> | undefined)?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

export function createWsServer(options: WsServerOptions): WsServer {
  const initTimeout = options.connectionInitWaitTimeoutMs ?? 3_000;
  const keepAliveMs = options.keepAliveMs ?? 12_000;
  const maxSubscriptions = options.maxSubscriptionsPerConnection ?? 100;
  const documents = createDocumentCache(options.schema);
  const closers = new Set<(code: number, reason: string) => void>();
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: options.path,
    handleProtocols: (protocols) =>
      protocols.has(GRAPHQL_TRANSPORT_WS_PROTOCOL) ? GRAPHQL_TRANSPORT_WS_PROTOCOL : false,
  });

  const validationErrors = (errors: readonly GraphQLError[]) =>
    errors.map((e) => {
      const typed = new GraphQLError(e.message, {
        nodes: e.nodes,
        source: e.source,
        positions: e.positions,
        extensions: { errorType: ErrorType.ValidationError },
      });
      return options.formatError(typed.toJSON(), typed);
    });
  const errorOf = (message: string, errorType: string) => {
    const error = new GraphQLError(message, { extensions: { errorType } });
    return [options.formatError(error.toJSON(), error)];
  };

  wss.on('connection', (socket: WebSocket) => {
    if (socket.protocol !== GRAPHQL_TRANSPORT_WS_PROTOCOL) {
      socket.close(CloseCode.SubprotocolNotAcceptable, 'Subprotocol not acceptable: use graphql-transport-ws');
      return;
    }
    let identity: CognitoIdentity | null = null;
    let initReceived = false;
    let alive = true;
    /** id → the function that removes it from the registry (null while its resolver is still running). */
    const subscriptions = new Map<string, (() => void) | null>();
    const send = (text: string) => {
      if (socket.readyState === socket.OPEN) socket.send(text);
    };
    const initTimer = setTimeout(
      () => close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout'),
      initTimeout,
    );
    let expiryTimer: NodeJS.Timeout | undefined;
    const pingTimer = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      send(stringifyMessage({ type: MessageType.Ping }));
    }, keepAliveMs);

    function endAll(): void {
      for (const remove of subscriptions.values()) remove?.();
      subscriptions.clear();
    }
    function close(code: number, reason: string): void {
      endAll();
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason);
    }
    const closer = (code: number, reason: string) => {
      for (const id of subscriptions.keys()) send(stringifyMessage({ id, type: MessageType.Complete }));
      close(code, reason);
    };
    closers.add(closer);

    socket.on('close', () => {
      clearTimeout(initTimer);
      clearTimeout(expiryTimer);
      clearInterval(pingTimer);
      closers.delete(closer);
      endAll();
    });
    socket.on('error', (error) => options.logger.warn('[cruddur] websocket error', error.message));

    async function onInit(payload: unknown): Promise<void> {
      if (initReceived) return close(CloseCode.TooManyInitialisationRequests, 'Too many initialisation requests');
      initReceived = true;
      try {
        identity = await options.authenticator.authenticate(tokenFrom(payload), []);
      } catch (error) {
        const reason = error instanceof AuthError ? error.message : 'Authentication failed';
        // Close reasons are limited to 123 bytes by the WebSocket protocol.
        return close(CloseCode.Forbidden, `Forbidden: ${reason}`.slice(0, 120));
      }
      clearTimeout(initTimer);
      const exp = Number(identity.claims.exp);
      if (Number.isFinite(exp)) {
        expiryTimer = setTimeout(
          () => close(CloseCode.Forbidden, 'Forbidden: the token has expired; reconnect with a new one'),
          Math.max(0, exp * 1000 - Date.now()),
        );
      }
      send(stringifyMessage({ type: MessageType.ConnectionAck }));
    }

    async function onSubscribe(message: SubscribeMessage): Promise<void> {
      const { id, payload } = message;
      if (!identity) return close(CloseCode.Unauthorized, 'Unauthorized');
      if (subscriptions.has(id)) return close(CloseCode.SubscriberAlreadyExists, `Subscriber for ${id} already exists`);
      const fail = (errors: readonly GraphQLFormattedError[]) => {
        subscriptions.delete(id);
        send(stringifyMessage({ id, type: MessageType.Error, payload: errors }));
      };
      if (subscriptions.size >= maxSubscriptions) {
        return send(
          stringifyMessage({
            id,
            type: MessageType.Error,
            payload: errorOf(
              `Too many subscriptions on this connection: at most ${maxSubscriptions}.`,
              'LimitExceeded',
            ),
          }),
        );
      }
      subscriptions.set(id, null);
      const document = documents(payload.query);
      if (!('kind' in document)) return fail(validationErrors(document));
      const operation = getOperationAST(document, payload.operationName);
      if (!operation)
        return fail(
          errorOf(
            'The document has no operation to run (or several without an operationName).',
            ErrorType.ValidationError,
          ),
        );
      if (operation.operation !== 'subscription')
        return fail(
          errorOf(
            'Only subscriptions run over this WebSocket; send queries and mutations over HTTP.',
            ErrorType.BadRequest,
          ),
        );

      const context = createRequestContext(identity, {}, options.env);
      const variables = payload.variables ?? {};
      const result = (await execute({
        schema: options.schema,
        document,
        contextValue: context,
        variableValues: variables,
        operationName: payload.operationName,
      })) as ExecutionResult;
      if (!subscriptions.has(id) || socket.readyState !== socket.OPEN) return; // completed or closed meanwhile
      if (result.errors?.length) return fail(result.errors.map((e) => options.formatError(e.toJSON(), e)));

      const filter =
        context.extensions.subscriptionFilter === undefined
          ? null
          : validateFilter(context.extensions.subscriptionFilter);
      const invalidation =
        context.extensions.subscriptionInvalidationFilter === undefined
          ? null
          : validateFilter(context.extensions.subscriptionInvalidationFilter);
      if (typeof filter === 'string' || typeof invalidation === 'string') {
        return fail(
          errorOf(
            `The subscription resolver set an invalid filter: ${typeof filter === 'string' ? filter : invalidation}`,
            ErrorType.MappingTemplate,
          ),
        );
      }
      const fieldNode = operation.selectionSet.selections[0];
      const fieldName = fieldNode && fieldNode.kind === 'Field' ? fieldNode.name.value : '';
      const fieldDef = options.schema.getSubscriptionType()?.getFields()[fieldName];
      const args = fieldDef && fieldNode?.kind === 'Field' ? getArgumentValues(fieldDef, fieldNode, variables) : {};
      const prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
      const remove = options.registry.add({
        fieldName,
        document,
        documentKey: payload.query,
        operationName: payload.operationName ?? null,
        variables,
        args,
        filter: filter as SubscriptionFilter | null,
        invalidationFilter: invalidation as SubscriptionFilter | null,
        next: (json) => send(prefix + json + '}'),
        invalidate: () => {
          subscriptions.get(id)?.();
          subscriptions.delete(id);
          send(stringifyMessage({ id, type: MessageType.Complete }));
        },
      });
      subscriptions.set(id, remove);
    }

    socket.on('message', (data) => {
      let message;
      try {
        message = parseMessage(String(data));
      } catch (error) {
        return close(CloseCode.BadRequest, `Invalid message received: ${(error as Error).message}`.slice(0, 120));
      }
      switch (message.type) {
        case MessageType.ConnectionInit:
          return void onInit(message.payload);
        case MessageType.Ping:
          return send(stringifyMessage({ type: MessageType.Pong }));
        case MessageType.Pong:
          alive = true;
          return;
        case MessageType.Subscribe:
          return void onSubscribe(message).catch((error: unknown) => {
            options.logger.error('[cruddur] subscribe failed', error);
            subscriptions.delete(message.id);
            send(
              stringifyMessage({
                id: message.id,
                type: MessageType.Error,
                payload: errorOf(
                  'An internal error occurred; it has been logged on the server.',
                  ErrorType.InternalFailure,
                ),
              }),
            );
          });
        case MessageType.Complete: {
          subscriptions.get(message.id)?.();
          subscriptions.delete(message.id);
          return;
        }
        default:
          return close(CloseCode.BadRequest, `Unexpected message of type ${message.type} received`);
      }
    });
  });

  return {
    get connections() {
      return wss.clients.size;
    },
    async dispose() {
      for (const closer of [...closers]) closer(1001, 'Server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
