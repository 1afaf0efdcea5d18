// The transport-agnostic subscription core: one session per connection authenticates once, prepares each document
// (bounded cache), runs the subscription's resolver at subscribe time as AppSync does, registers it for fan-out,
// and enforces every per-connection and per-user bound. It never sees a socket: a wire dialect adapter hands it a
// Transport (send, bufferedAmount, close) and turns protocol messages into calls on the session.
import {
  execute,
  getOperationAST,
  GraphQLError,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
} from 'graphql';
import { collectFields } from 'graphql/execution/collectFields.js';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values.js';
import { randomUUID } from 'node:crypto';
import { createTrace, elapsed, noteErrorType, now, phase, type RequestTrace } from '../observability/trace.ts';
import type { Logger } from '../plugins/errors.ts';
import {
  createRequestContext,
  type CognitoIdentity,
  type RequestContext,
  type RequestMeta,
} from '../runtime/context.ts';
import { ErrorType } from '../runtime/errors.ts';
import type { DocumentCache } from './document-cache.ts';
import { validateFilter, type SubscriptionFilter } from './filters.ts';
import type { Registry } from './registry.ts';
import type { UserBudget } from './user-budget.ts';

/** Why the server ends a connection; each dialect maps these to its own close codes. */
export type CloseReason =
  | { readonly kind: 'shutdown' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'forbidden'; readonly message: string }
  | { readonly kind: 'slow-consumer'; readonly bufferedBytes: number; readonly limit: number }
  | { readonly kind: 'too-many-connections'; readonly limit: number };

/** What the core needs of a connection. */
export interface Transport {
  /** Bytes queued by send() and not yet handed to the network. */
  readonly bufferedAmount: number;
  send(text: string): void;
  close(reason: CloseReason): void;
}

/** Where one subscription's events go; the adapter frames them for its dialect. */
export interface SubscriptionSink {
  /** Frames one event: `payloadJson` is the serialised ExecutionResult, shared by a whole subscriber group. */
  frame(payloadJson: string): string;
  /** The server ended the subscription (invalidation, shutdown): tell the client. */
  completed(): void;
}

export interface SubscribeRequest {
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>> | null;
  readonly operationName?: string | null;
}

export type InitOutcome = { readonly kind: 'ok' } | { readonly kind: 'rejected'; readonly reason: CloseReason };

export type SubscribeOutcome =
  | { readonly kind: 'started' }
  | { readonly kind: 'failed'; readonly errors: readonly GraphQLFormattedError[] }
  /** Completed by the client, or the connection closed, while the resolver ran. */
  | { readonly kind: 'cancelled' };

export interface Session {
  readonly authenticated: boolean;
  /** Verifies the caller once per connection; on success the session holds the identity until it ends. */
  init(authorization: string | undefined): Promise<InitOutcome>;
  has(id: string): boolean;
  /**
   * Starts one subscription. `authorization`, when given, authorizes this subscription alone (AppSync's per-start
   * `extensions.authorization`: one socket may carry several users' subscriptions); else the connection's user.
   */
  subscribe(
    id: string,
    request: SubscribeRequest,
    sink: SubscriptionSink,
    authorization?: string,
  ): Promise<SubscribeOutcome>;
  /** The client ended one subscription. */
  complete(id: string): void;
  /** Sends through the slow-consumer guard: a connection whose unsent buffer is over the bound is closed. */
  send(text: string): void;
  /** The connection is gone: releases every subscription and budget. Idempotent. */
  end(): void;
}

export interface SubscriptionLimits {
  /** Active plus starting subscriptions per connection (AppSync's quota is 100). */
  readonly maxSubscriptionsPerConnection: number;
  /** Unsent bytes a connection may queue before it is closed as a slow consumer. */
  readonly maxBufferedBytes: number;
}

export interface SubscriptionCoreOptions {
  readonly schema: GraphQLSchema;
  readonly registry: Registry;
  readonly documents: DocumentCache;
  readonly budget: UserBudget;
  readonly limits: SubscriptionLimits;
  /** The one request authenticator HTTP uses too: a valid token gives the request context resolvers run with. */
  readonly authenticate: (
    authorization: string | undefined,
    meta: RequestMeta,
    trace?: RequestTrace,
  ) => Promise<RequestContext>;
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  readonly logger: Logger;
  /** Optional admission check per subscribe (rate limits); a string refuses it with that message. */
  readonly admitSubscribe?: (user: string) => { readonly ok: true } | { readonly ok: false; readonly message: string };
  /** Makes each subscribe's trace (default: an id, no timings). */
  readonly newTrace?: () => RequestTrace;
  /** Sees each SessionEvent; must not throw. */
  readonly onEvent?: (event: SessionEvent) => void;
}

/**
 * What a session reports as it runs, for logs and metrics (the core itself knows neither): each subscribe's
 * outcome with its trace (id, timings, errorTypes), a connection refused over its user's limit, a slow consumer.
 */
export type SessionEvent =
  | {
      readonly kind: 'subscribe';
      readonly connectionId: string;
      readonly trace: RequestTrace;
      readonly outcome: SubscribeOutcome['kind'];
      readonly ms: number;
    }
  | { readonly kind: 'connection-refused'; readonly connectionId: string; readonly reason: CloseReason['kind'] }
  | { readonly kind: 'slow-consumer'; readonly connectionId: string; readonly bufferedBytes: number };

/** Opens the session of one connection; the WebSocket server binds the connection's RequestMeta. */
export type OpenSession = (transport: Transport) => Session;

export interface SubscriptionCore {
  openSession(transport: Transport, meta: RequestMeta): Session;
  readonly sessions: number;
  /** Completes every subscription and closes every connection (reason: shutdown). */
  dispose(): void;
}

/** Who runs a subscription's resolver: the connection's user, or a start's own (AppSync per-start auth). */
interface Caller {
  readonly identity: CognitoIdentity;
  readonly env: Readonly<Record<string, string>>;
}

interface Active {
  /** Removes it from the registry; null while its resolver is still running. */
  remove: (() => void) | null;
  readonly sink: SubscriptionSink;
  /** Whose budget it counts against: the connection's user, or the subscription's own (AppSync per-start auth). */
  readonly user: string;
  /** Ends it when its own token expires (per-subscription authorization only). */
  expiry?: NodeJS.Timeout;
}

/** The subscription's single root field, wherever it sits (fragments included), as graphql-js executes it. */
function rootField(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): FieldNode | undefined {
  const type = schema.getSubscriptionType();
  if (!type) return undefined;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  const fields = collectFields(schema, fragments, variables, type, operation.selectionSet);
  return fields.values().next().value?.[0];
}

export function createSubscriptionCore(options: SubscriptionCoreOptions): SubscriptionCore {
  const { schema, registry, documents, budget, limits, logger } = options;
  const newTrace = options.newTrace ?? (() => createTrace(false));
  const onEvent = options.onEvent ?? (() => undefined);
  const sessions = new Set<{ shutdown(): void }>();

  const formatted = (error: GraphQLError) => options.formatError(error.toJSON(), error);
  const errorOf = (message: string, errorType: string) => [
    formatted(new GraphQLError(message, { extensions: { errorType } })),
  ];
  const typed = (errors: readonly GraphQLError[]) =>
    errors.map((e) =>
      formatted(
        new GraphQLError(e.message, {
          nodes: e.nodes,
          source: e.source,
          positions: e.positions,
          extensions: { errorType: ErrorType.ValidationError, ...e.extensions },
        }),
      ),
    );

  function openSession(transport: Transport, meta: RequestMeta): Session {
    // Only who the caller is: a request context (batching scope, headers, arrays) is made per subscribe.
    let context: Caller | null = null;
    let user: string | null = null;
    let ended = false;
    let expiryTimer: NodeJS.Timeout | undefined;
    const active = new Map<string, Active>();
    const connectionId = randomUUID();

    function release(id: string): void {
      const entry = active.get(id);
      if (!entry) return;
      active.delete(id);
      clearTimeout(entry.expiry);
      entry.remove?.();
      budget.releaseSubscription(entry.user);
    }

    function end(): void {
      if (ended) return;
      ended = true;
      clearTimeout(expiryTimer);
      for (const id of [...active.keys()]) release(id);
      if (user) budget.closeConnection(user);
      sessions.delete(handle);
    }

    function closeWith(reason: CloseReason): void {
      end();
      transport.close(reason);
    }

    function send(text: string): void {
      if (ended) return;
      const buffered = transport.bufferedAmount;
      if (buffered > limits.maxBufferedBytes) {
        logger.warn(
          `[cruddur] closing a slow subscriber: ${buffered} bytes unsent (limit ${limits.maxBufferedBytes})`,
          { connId: connectionId },
        );
        onEvent({ kind: 'slow-consumer', connectionId, bufferedBytes: buffered });
        return closeWith({ kind: 'slow-consumer', bufferedBytes: buffered, limit: limits.maxBufferedBytes });
      }
      transport.send(text);
    }

    const handle = {
      shutdown() {
        for (const entry of active.values()) entry.sink.completed();
        closeWith({ kind: 'shutdown' });
      },
    };
    sessions.add(handle);

    async function init(authorization: string | undefined): Promise<InitOutcome> {
      let verified: RequestContext;
      try {
        verified = await options.authenticate(authorization, meta);
      } catch (error) {
        const message = error instanceof Error && error.message ? error.message : 'Authentication failed';
        return { kind: 'rejected', reason: { kind: 'forbidden', message } };
      }
      if (ended) return { kind: 'rejected', reason: { kind: 'shutdown' } };
      const sub = verified.identity?.sub;
      if (!sub) return { kind: 'rejected', reason: { kind: 'forbidden', message: 'The token has no sub claim.' } };
      if (!budget.openConnection(sub)) {
        onEvent({ kind: 'connection-refused', connectionId, reason: 'too-many-connections' });
        return {
          kind: 'rejected',
          reason: { kind: 'too-many-connections', limit: budget.limits.maxConnectionsPerUser },
        };
      }
      context = { identity: verified.identity!, env: verified.env };
      user = sub;
      const exp = Number(verified.identity?.claims.exp);
      if (Number.isFinite(exp)) {
        // setTimeout's delay is a 32-bit signed number of ms: a later expiry is re-armed when this one fires.
        const arm = () => {
          const left = exp * 1000 - Date.now();
          if (left <= 0) return closeWith({ kind: 'expired' });
          expiryTimer = setTimeout(arm, Math.min(left, 2 ** 31 - 1));
        };
        arm();
      }
      return { kind: 'ok' };
    }

    async function subscribe(
      id: string,
      request: SubscribeRequest,
      sink: SubscriptionSink,
      authorization?: string,
    ): Promise<SubscribeOutcome> {
      const trace = newTrace();
      let outcome: SubscribeOutcome;
      try {
        outcome = await start(id, request, sink, authorization, trace);
      } catch (error) {
        logger.error('[cruddur] subscribe failed', { reqId: trace.id, connId: connectionId, err: error });
        release(id);
        outcome = {
          kind: 'failed',
          errors: errorOf('An internal error occurred; it has been logged on the server.', ErrorType.InternalFailure),
        };
      }
      trace.operationName ??= request.operationName ?? null;
      trace.operationType = 'subscription';
      if (outcome.kind === 'failed') {
        // The same id as this operation's log line: a client can quote it.
        outcome = {
          kind: 'failed',
          errors: outcome.errors.map((e) => {
            noteErrorType(trace, e.extensions?.errorType);
            return { ...e, extensions: { ...e.extensions, requestId: trace.id } };
          }),
        };
      }
      onEvent({ kind: 'subscribe', connectionId, trace, outcome: outcome.kind, ms: elapsed(trace) });
      return outcome;
    }

    async function start(
      id: string,
      request: SubscribeRequest,
      sink: SubscriptionSink,
      authorization: string | undefined,
      trace: RequestTrace,
    ): Promise<SubscribeOutcome> {
      if (!context || !user) return { kind: 'failed', errors: errorOf('Not authenticated.', ErrorType.Unauthorized) };
      let caller = context;
      if (authorization !== undefined) {
        const since = trace.timed ? now() : 0;
        try {
          const own = await options.authenticate(authorization, meta, trace);
          phase(trace, 'auth', since);
          caller = { identity: own.identity!, env: own.env };
        } catch (error) {
          const message = error instanceof Error && error.message ? error.message : 'Authentication failed';
          return { kind: 'failed', errors: errorOf(message, ErrorType.UnauthorizedException) };
        }
        if (ended || active.has(id)) return { kind: 'cancelled' };
      }
      const owner = caller.identity.sub;
      if (active.size >= limits.maxSubscriptionsPerConnection)
        return {
          kind: 'failed',
          errors: errorOf(
            `Too many subscriptions on this connection: at most ${limits.maxSubscriptionsPerConnection}.`,
            ErrorType.LimitExceeded,
          ),
        };
      const admitted = options.admitSubscribe?.(owner);
      if (admitted && !admitted.ok)
        return { kind: 'failed', errors: errorOf(admitted.message, ErrorType.ThrottlingException) };
      if (!budget.reserveSubscription(owner))
        return {
          kind: 'failed',
          errors: errorOf(
            `Too many subscriptions for this user across all connections: at most ${budget.limits.maxSubscriptionsPerUser}. Stop some before starting more.`,
            ErrorType.LimitExceeded,
          ),
        };
      active.set(id, { remove: null, sink, user: owner });
      const fail = (errors: readonly GraphQLFormattedError[]): SubscribeOutcome => {
        release(id);
        return { kind: 'failed', errors };
      };

      const document = documents.get(request.query);
      if (!('kind' in document)) return fail(typed(document));
      const operation = getOperationAST(document, request.operationName ?? undefined);
      if (!operation)
        return fail(
          errorOf(
            'The document has no operation to run (or several without an operationName).',
            ErrorType.ValidationError,
          ),
        );
      trace.operationName = operation.name?.value ?? null;
      if (operation.operation !== 'subscription')
        return fail(
          errorOf(
            'Only subscriptions run over this WebSocket; send queries and mutations over HTTP.',
            ErrorType.BadRequest,
          ),
        );
      // Coerced as graphql-js coerces them: defaults applied, types checked, before anything uses them.
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}, {
        maxErrors: 10,
      });
      if (coerced.errors) return fail(typed(coerced.errors));
      const variables = coerced.coerced;
      const fieldNode = rootField(schema, document, operation, variables);
      const fieldDef = fieldNode && schema.getSubscriptionType()?.getFields()[fieldNode.name.value];
      if (!fieldNode || !fieldDef)
        return fail(errorOf('The subscription selects no subscription field.', ErrorType.ValidationError));

      // A fresh request per subscribe, as over HTTP: its own batching scope, extensions and appended errors.
      const requestContext = createRequestContext(caller.identity, meta.headers, caller.env, trace);
      const executing = trace.timed ? now() : 0;
      const result = (await execute({
        schema,
        document,
        contextValue: requestContext,
        variableValues: variables,
        operationName: request.operationName ?? undefined,
      })) as ExecutionResult;
      phase(trace, 'exec', executing);
      if (ended || !active.has(id)) return { kind: 'cancelled' };
      if (result.errors?.length) return fail(result.errors.map((e) => formatted(e)));

      const filter =
        requestContext.extensions.subscriptionFilter === undefined
          ? null
          : validateFilter(requestContext.extensions.subscriptionFilter);
      const invalidation =
        requestContext.extensions.subscriptionInvalidationFilter === undefined
          ? null
          : validateFilter(requestContext.extensions.subscriptionInvalidationFilter);
      if (typeof filter === 'string' || typeof invalidation === 'string')
        return fail(
          errorOf(
            `The subscription resolver set an invalid filter: ${typeof filter === 'string' ? filter : invalidation}`,
            ErrorType.MappingTemplate,
          ),
        );
      const remove = registry.add({
        fieldName: fieldNode.name.value,
        document,
        documentKey: request.query,
        operationName: request.operationName ?? null,
        variables,
        args: getArgumentValues(fieldDef, fieldNode, variables),
        filter: filter as SubscriptionFilter | null,
        invalidationFilter: invalidation as SubscriptionFilter | null,
        next: (json) => send(sink.frame(json)),
        invalidate: () => {
          release(id);
          sink.completed();
        },
      });
      const entry = active.get(id);
      if (entry) {
        entry.remove = remove;
        const exp = Number(caller.identity.claims.exp);
        // A subscription authorized by its own token ends when that token expires (the connection's closes the socket).
        if (caller !== context && Number.isFinite(exp))
          entry.expiry = setTimeout(
            () => {
              release(id);
              sink.completed();
            },
            Math.min(Math.max(0, exp * 1000 - Date.now()), 2 ** 31 - 1),
          );
      }
      return { kind: 'started' };
    }

    return {
      get authenticated() {
        return context !== null;
      },
      init,
      has: (id) => active.has(id),
      subscribe,
      complete: release,
      send,
      end,
    };
  }

  return {
    openSession,
    get sessions() {
      return sessions.size;
    },
    dispose() {
      for (const session of [...sessions]) session.shutdown();
    },
  };
}
