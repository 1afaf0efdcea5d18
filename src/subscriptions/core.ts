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
  const formatted = (error: GraphQLError) => options.formatError(error.toJSON(), error);
  const shared: Shared = {
    options,
    newTrace: options.newTrace ?? (() => createTrace(false)),
    onEvent: options.onEvent ?? (() => undefined),
    sessions: new Set<ConnectionSession>(),
    formatted,
    errorOf: (message, errorType) => [formatted(new GraphQLError(message, { extensions: { errorType } }))],
    typed: (errors) =>
      errors.map((e) =>
        formatted(
          new GraphQLError(e.message, {
            nodes: e.nodes,
            source: e.source,
            positions: e.positions,
            extensions: { errorType: ErrorType.ValidationError, ...e.extensions },
          }),
        ),
      ),
  };
  return {
    openSession: (transport, meta) => new ConnectionSession(shared, transport, meta),
    get sessions() {
      return shared.sessions.size;
    },
    dispose() {
      for (const session of [...shared.sessions]) session.shutdown();
    },
  };
}

/** What every session of one core shares: its options and the error helpers. */
interface Shared {
  readonly options: SubscriptionCoreOptions;
  readonly newTrace: () => RequestTrace;
  readonly onEvent: (event: SessionEvent) => void;
  readonly sessions: Set<ConnectionSession>;
  readonly formatted: (error: GraphQLError) => GraphQLFormattedError;
  readonly errorOf: (message: string, errorType: string) => GraphQLFormattedError[];
  readonly typed: (errors: readonly GraphQLError[]) => GraphQLFormattedError[];
}

/**
 * One connection's session. A class, not a closure per method: thousands of idle sockets each hold one, and every
 * closure and its context would be per socket (measured: about 0.8 KB per connection as closures).
 */
class ConnectionSession implements Session {
  // Only who the caller is: a request context (batching scope, headers, arrays) is made per subscribe.
  private context: Caller | null = null;
  private user: string | null = null;
  private ended = false;
  private expiryTimer: NodeJS.Timeout | undefined;
  private readonly active = new Map<string, Active>();
  private readonly connectionId = randomUUID();

  constructor(
    private readonly shared: Shared,
    private readonly transport: Transport,
    private readonly meta: RequestMeta,
  ) {
    shared.sessions.add(this);
  }

  get authenticated(): boolean {
    return this.context !== null;
  }

  has(id: string): boolean {
    return this.active.has(id);
  }

  complete(id: string): void {
    this.release(id);
  }

  release(id: string): void {
    const entry = this.active.get(id);
    if (!entry) return;
    this.active.delete(id);
    clearTimeout(entry.expiry);
    entry.remove?.();
    this.shared.options.budget.releaseSubscription(entry.user);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.expiryTimer);
    for (const id of [...this.active.keys()]) this.release(id);
    if (this.user) this.shared.options.budget.closeConnection(this.user);
    this.shared.sessions.delete(this);
  }

  closeWith(reason: CloseReason): void {
    this.end();
    this.transport.close(reason);
  }

  send(text: string): void {
    if (this.ended) return;
    const buffered = this.transport.bufferedAmount;
    if (buffered > this.shared.options.limits.maxBufferedBytes) {
      this.shared.options.logger.warn(
        `[cruddur] closing a slow subscriber: ${buffered} bytes unsent (limit ${this.shared.options.limits.maxBufferedBytes})`,
        { connId: this.connectionId },
      );
      this.shared.onEvent({ kind: 'slow-consumer', connectionId: this.connectionId, bufferedBytes: buffered });
      return this.closeWith({
        kind: 'slow-consumer',
        bufferedBytes: buffered,
        limit: this.shared.options.limits.maxBufferedBytes,
      });
    }
    this.transport.send(text);
  }

  shutdown(): void {
    for (const entry of this.active.values()) entry.sink.completed();
    this.closeWith({ kind: 'shutdown' });
  }

  async init(authorization: string | undefined): Promise<InitOutcome> {
    let verified: RequestContext;
    try {
      verified = await this.shared.options.authenticate(authorization, this.meta);
    } catch (error) {
      const message = error instanceof Error && error.message ? error.message : 'Authentication failed';
      return { kind: 'rejected', reason: { kind: 'forbidden', message } };
    }
    if (this.ended) return { kind: 'rejected', reason: { kind: 'shutdown' } };
    const sub = verified.identity?.sub;
    if (!sub) return { kind: 'rejected', reason: { kind: 'forbidden', message: 'The token has no sub claim.' } };
    if (!this.shared.options.budget.openConnection(sub)) {
      this.shared.onEvent({
        kind: 'connection-refused',
        connectionId: this.connectionId,
        reason: 'too-many-connections',
      });
      return {
        kind: 'rejected',
        reason: { kind: 'too-many-connections', limit: this.shared.options.budget.limits.maxConnectionsPerUser },
      };
    }
    this.context = { identity: verified.identity!, env: verified.env };
    this.user = sub;
    const exp = Number(verified.identity?.claims.exp);
    if (Number.isFinite(exp)) {
      // setTimeout's delay is a 32-bit signed number of ms: a later expiry is re-armed when this one fires.
      const arm = () => {
        const left = exp * 1000 - Date.now();
        if (left <= 0) return this.closeWith({ kind: 'expired' });
        this.expiryTimer = setTimeout(arm, Math.min(left, 2 ** 31 - 1));
      };
      arm();
    }
    return { kind: 'ok' };
  }

  async subscribe(
    id: string,
    request: SubscribeRequest,
    sink: SubscriptionSink,
    authorization?: string,
  ): Promise<SubscribeOutcome> {
    const trace = this.shared.newTrace();
    let outcome: SubscribeOutcome;
    try {
      outcome = await this.start(id, request, sink, authorization, trace);
    } catch (error) {
      this.shared.options.logger.error('[cruddur] subscribe failed', {
        reqId: trace.id,
        connId: this.connectionId,
        err: error,
      });
      this.release(id);
      outcome = {
        kind: 'failed',
        errors: this.shared.errorOf(
          'An internal error occurred; it has been logged on the server.',
          ErrorType.InternalFailure,
        ),
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
    this.shared.onEvent({
      kind: 'subscribe',
      connectionId: this.connectionId,
      trace,
      outcome: outcome.kind,
      ms: elapsed(trace),
    });
    return outcome;
  }

  async start(
    id: string,
    request: SubscribeRequest,
    sink: SubscriptionSink,
    authorization: string | undefined,
    trace: RequestTrace,
  ): Promise<SubscribeOutcome> {
    if (!this.context || !this.user)
      return { kind: 'failed', errors: this.shared.errorOf('Not authenticated.', ErrorType.Unauthorized) };
    let caller = this.context;
    if (authorization !== undefined) {
      const since = trace.timed ? now() : 0;
      try {
        const own = await this.shared.options.authenticate(authorization, this.meta, trace);
        phase(trace, 'auth', since);
        caller = { identity: own.identity!, env: own.env };
      } catch (error) {
        const message = error instanceof Error && error.message ? error.message : 'Authentication failed';
        return { kind: 'failed', errors: this.shared.errorOf(message, ErrorType.UnauthorizedException) };
      }
      if (this.ended || this.active.has(id)) return { kind: 'cancelled' };
    }
    const owner = caller.identity.sub;
    if (this.active.size >= this.shared.options.limits.maxSubscriptionsPerConnection)
      return {
        kind: 'failed',
        errors: this.shared.errorOf(
          `Too many subscriptions on this connection: at most ${this.shared.options.limits.maxSubscriptionsPerConnection}.`,
          ErrorType.LimitExceeded,
        ),
      };
    const admitted = this.shared.options.admitSubscribe?.(owner);
    if (admitted && !admitted.ok)
      return { kind: 'failed', errors: this.shared.errorOf(admitted.message, ErrorType.ThrottlingException) };
    if (!this.shared.options.budget.reserveSubscription(owner))
      return {
        kind: 'failed',
        errors: this.shared.errorOf(
          `Too many subscriptions for this this.user across all connections: at most ${this.shared.options.budget.limits.maxSubscriptionsPerUser}. Stop some before starting more.`,
          ErrorType.LimitExceeded,
        ),
      };
    this.active.set(id, { remove: null, sink, user: owner });
    const fail = (errors: readonly GraphQLFormattedError[]): SubscribeOutcome => {
      this.release(id);
      return { kind: 'failed', errors };
    };

    const document = this.shared.options.documents.get(request.query);
    if (!('kind' in document)) return fail(this.shared.typed(document));
    const operation = getOperationAST(document, request.operationName ?? undefined);
    if (!operation)
      return fail(
        this.shared.errorOf(
          'The document has no operation to run (or several without an operationName).',
          ErrorType.ValidationError,
        ),
      );
    trace.operationName = operation.name?.value ?? null;
    if (operation.operation !== 'subscription')
      return fail(
        this.shared.errorOf(
          'Only subscriptions run over this WebSocket; send queries and mutations over HTTP.',
          ErrorType.BadRequest,
        ),
      );
    // Coerced as graphql-js coerces them: defaults applied, types checked, before anything uses them.
    const coerced = getVariableValues(
      this.shared.options.schema,
      operation.variableDefinitions ?? [],
      request.variables ?? {},
      {
        maxErrors: 10,
      },
    );
    if (coerced.errors) return fail(this.shared.typed(coerced.errors));
    const variables = coerced.coerced;
    const fieldNode = rootField(this.shared.options.schema, document, operation, variables);
    const fieldDef = fieldNode && this.shared.options.schema.getSubscriptionType()?.getFields()[fieldNode.name.value];
    if (!fieldNode || !fieldDef)
      return fail(this.shared.errorOf('The subscription selects no subscription field.', ErrorType.ValidationError));

    // A fresh request per subscribe, as over HTTP: its own batching scope, extensions and appended errors.
    const requestContext = createRequestContext(caller.identity, this.meta.headers, caller.env, trace);
    const executing = trace.timed ? now() : 0;
    const result = (await execute({
      schema: this.shared.options.schema,
      document,
      contextValue: requestContext,
      variableValues: variables,
      operationName: request.operationName ?? undefined,
    })) as ExecutionResult;
    phase(trace, 'exec', executing);
    if (this.ended || !this.active.has(id)) return { kind: 'cancelled' };
    if (result.errors?.length) return fail(result.errors.map((e) => this.shared.formatted(e)));

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
        this.shared.errorOf(
          `The subscription resolver set an invalid filter: ${typeof filter === 'string' ? filter : invalidation}`,
          ErrorType.MappingTemplate,
        ),
      );
    const remove = this.shared.options.registry.add({
      fieldName: fieldNode.name.value,
      document,
      documentKey: request.query,
      operationName: request.operationName ?? null,
      variables,
      args: getArgumentValues(fieldDef, fieldNode, variables),
      filter: filter as SubscriptionFilter | null,
      invalidationFilter: invalidation as SubscriptionFilter | null,
      next: (json) => this.send(sink.frame(json)),
      invalidate: () => {
        this.release(id);
        sink.completed();
      },
    });
    const entry = this.active.get(id);
    if (entry) {
      entry.remove = remove;
      const exp = Number(caller.identity.claims.exp);
      // A subscription authorized by its own token ends when that token expires (the connection's closes the socket).
      if (caller !== this.context && Number.isFinite(exp))
        entry.expiry = setTimeout(
          () => {
            this.release(id);
            sink.completed();
          },
          Math.min(Math.max(0, exp * 1000 - Date.now()), 2 ** 31 - 1),
        );
    }
    return { kind: 'started' };
  }
}
