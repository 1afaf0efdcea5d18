// Composes the API: data sources → schema with AppSync-style resolvers → Apollo Server with an ordered list of
// features (src/plugins/, one each) → one node:http server with WebSockets. Real services are wired in app.ts.
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { makeExecutableSchema } from '@graphql-tools/schema';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { Authenticator } from './auth/authenticator.ts';
import { createRequestAuthenticator } from './auth/request-auth.ts';
import type { Config } from './config.ts';
import { createAppDataSources } from './datasources/app-data-sources.ts';
import { createNoneDataSource } from './datasources/none.ts';
import type { ReadCache } from './datasources/postgres/read-cache.ts';
import type { DataSource, RequestScope } from './datasources/types.ts';
import { createDependencyReadiness } from './health/readiness.ts';
import { createGraphQLHandler } from './http/graphql-handler.ts';
import { createRouter } from './http/router.ts';
import { createTrace } from './observability/trace.ts';
import { createAuthContext } from './plugins/auth-context.ts';
import { drainWebSocketsPlugin } from './plugins/drain-websockets.ts';
import { appendedErrorsPlugin, createErrorFormatter, type Logger } from './plugins/errors.ts';
import type { ServerFeature } from './plugins/feature.ts';
import { requestLogFeature, sessionEventLogger } from './plugins/logging.ts';
import type { Metrics } from './plugins/metrics.ts';
import { publishPlugin } from './plugins/publish.ts';
import { requestScopePlugin } from './plugins/request-scope.ts';
import { requestTraceFeature } from './plugins/request-trace.ts';
import { serverTimingFeature } from './plugins/server-timing.ts';
import { timingFeature } from './plugins/timing.ts';
import { DEFAULT_DOCUMENT_LIMITS, limitRules } from './limits/document-limits.ts';
import { DEFAULT_RATE_LIMITS } from './limits/rate-limiter.ts';
import { createRequestRateLimits, rateLimitPlugin } from './plugins/rate-limit.ts';
import type { RequestContext } from './runtime/context.ts';
import { DEFAULT_MAX_BACKEND_CALLS } from './runtime/execute.ts';
import { buildSchema, loadTypeDefs } from './runtime/schema.ts';
import { subscriptionsByMutation } from './subscriptions/payload.ts';
import type { PubSub } from './subscriptions/pubsub.ts';
import { createRegistry, type Registry } from './subscriptions/registry.ts';
import { DEFAULT_SUBSCRIPTION_SETTINGS, type SubscriptionSettings } from './subscriptions/settings.ts';
import { createLiveSubscriptions } from './subscriptions/live.ts';
import type { WebSocketEndpoint } from './subscriptions/websocket-server.ts';
import type { LocalAuth } from './web/demo-auth.ts';
import { createWebRoutes } from './web/routes.ts';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ServerOptions {
  readonly port: number;
  readonly host: string;
  /** Serve HTTPS and WSS (PEM certificate chain and key): Amplify's clients always connect with wss://. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  readonly pool: pg.Pool;
  readonly authenticator: Authenticator;
  readonly nextTokenKey: Buffer;
  /** Live-message fan-out engine (started and closed by the caller). */
  readonly pubsub: PubSub;
  /** Replaces the data sources built from `dynamodb` and `pool` (benchmarks run the API on in-memory ones). */
  readonly dataSources?: ReadonlyMap<string, DataSource>;
  /** Another API (schema + resolvers folder) on the same runtime; tests use fixtures. Default: this project's. */
  readonly api?: { schemaPath: string; resolversDir: string };
  /** Live-subscription bounds and timers (defaults: DEFAULT_SUBSCRIPTION_SETTINGS). */
  readonly ws?: Partial<SubscriptionSettings>;
  readonly logger?: Logger;
  /** A Server-Timing header on every GraphQL response (config SERVER_TIMING). */
  readonly serverTiming?: boolean;
  /** One structured info line per request and per subscribe (on when the logger writes info lines). */
  readonly requestLog?: boolean;
  /** Prometheus metrics (served by app.ts on METRICS_PORT); absent: nothing is counted. */
  readonly metrics?: Metrics;
  /** Batch Postgres reads per request (default true); the benchmark compares with it off. */
  readonly batching?: boolean;
  /** Serves repeated users reads (the caller's identity above all) from memory; the caller keeps it current. */
  readonly usersReadCache?: ReadCache;
  /** Observe each request's data-source call counts (tests and benchmarks). */
  readonly onRequestScope?: (scope: RequestScope, operationName: string | undefined) => void;
  /** Document, body, backend-call and rate limits; each defaults as in src/limits/ (config: MAX_*, RATE_LIMIT_*). */
  readonly limits?: Partial<Pick<Config, 'documentLimits' | 'maxBodyBytes' | 'maxBackendCalls' | 'rateLimits'>>;
  /** AUTH_MODE=local: the demo users the web app and playground may sign in as. */
  readonly localAuth?: LocalAuth;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly httpServer: http.Server;
  readonly ws: WebSocketEndpoint;
  readonly registry: Registry;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? console;
  const dataSources =
    options.dataSources ?? createAppDataSources({ ...options, batching: options.batching ?? true, logger });
  const schemaPath = options.api?.schemaPath ?? path.join(PROJECT_ROOT, 'schema.graphql');
  const schema = await buildSchema({
    schemaPath,
    resolversDir: options.api?.resolversDir ?? path.join(PROJECT_ROOT, 'resolvers'),
    dataSources,
    noneDataSource: createNoneDataSource(),
  });
  const env = Object.freeze({ MESSAGES_TABLE: options.tableName });
  const publishable = subscriptionsByMutation(schema);

  // node's https.Server is an http.Server over TLS (same request/upgrade events and connection methods).
  const httpServer = options.tls
    ? (https.createServer({ cert: options.tls.cert, key: options.tls.key }) as unknown as http.Server)
    : http.createServer();
  const formatError = createErrorFormatter(logger);
  const registry = createRegistry({
    // Subscription events are shaped from the published payload only: no resolvers run, as on AppSync.
    payloadSchema: makeExecutableSchema({ typeDefs: loadTypeDefs(schemaPath) }),
    subscriptionsByMutation: publishable,
    formatError,
    logger,
  });
  const unsubscribe = options.pubsub.subscribe((event) => registry.handle(event));
  const authenticate = createRequestAuthenticator(options.authenticator, env);
  const documentLimits = options.limits?.documentLimits ?? DEFAULT_DOCUMENT_LIMITS;
  const rateLimits = createRequestRateLimits(options.limits?.rateLimits);
  const { metrics } = options;
  const requestLog = options.requestLog ?? false;
  // Timings are measured only when something reads them: with all three off a trace is just an id.
  const timed = Boolean(options.serverTiming || requestLog || metrics);
  const newTrace = () => createTrace(timed, metrics?.observeCall);
  const logSessionEvent = sessionEventLogger(logger);
  const ws = createLiveSubscriptions({
    httpServer,
    schema,
    registry,
    authenticate,
    settings: { ...DEFAULT_SUBSCRIPTION_SETTINGS, ...options.ws },
    documentLimits,
    rateLimits: options.limits?.rateLimits ?? DEFAULT_RATE_LIMITS,
    formatError,
    logger,
    newTrace,
    onEvent: (event) => {
      if (requestLog || event.kind !== 'subscribe') logSessionEvent(event);
      metrics?.sessionEvent(event);
    },
  });
  metrics?.attach({
    connections: () => ws.connections,
    subscriptions: () => registry.size,
    deliveries: () => registry.deliveries,
  });

  // The server's features in the order they run (Apollo calls each hook in this order; so do the HTTP hooks).
  const features: ServerFeature[] = [
    // Stops live subscriptions first: the HTTP drain waits for every open connection, WebSockets included.
    { apollo: drainWebSocketsPlugin(async () => (unsubscribe(), await ws.dispose())) },
    { apollo: ApolloServerPluginDrainHttpServer({ httpServer }) },
    { apollo: publishPlugin(options.pubsub, publishable, logger) },
    { apollo: ApolloServerPluginLandingPageDisabled() },
    // Cache hints are unused here, and the plugin instruments every field of every response.
    { apollo: ApolloServerPluginCacheControlDisabled() },
    { apollo: appendedErrorsPlugin(formatError) },
    // One token per request is taken in the context function; this charges the operation's other root fields.
    { apollo: rateLimitPlugin(rateLimits) },
    ...(options.onRequestScope ? [{ apollo: requestScopePlugin(options.onRequestScope) }] : []),
    // After every plugin that adds errors: the request id goes into each, their errorTypes onto the trace.
    requestTraceFeature(),
    // Last Apollo plugin (serialisation is timed from its willSendResponse), and before the header is written.
    ...(timed ? [timingFeature()] : []),
    ...(options.serverTiming ? [serverTimingFeature()] : []),
    ...(requestLog ? [requestLogFeature(logger)] : []),
    ...(metrics ? [metrics.feature] : []),
  ];
  const apollo = new ApolloServer<RequestContext>({
    schema,
    // Depth, aliases, directives and cost (LimitExceeded, 400); size and tokens are checked before Apollo parses.
    validationRules: limitRules(documentLimits),
    formatError,
    includeStacktraceInErrorResponses: false,
    // On whatever NODE_ENV says: GraphQL tools and the playground need it, as on AppSync.
    introspection: true,
    // main.ts owns SIGINT/SIGTERM and stops everything in order; Apollo's own handlers raced it.
    stopOnTerminationSignals: false,
    plugins: features.flatMap((f) => (f.apollo ? [f.apollo] : [])),
  });
  await apollo.start();

  const context = createAuthContext({
    authenticator: options.authenticator,
    authenticate,
    rateLimits,
    trustedProxyHops: options.limits?.rateLimits?.trustedProxyHops ?? 0,
    maxBackendCalls: options.limits?.maxBackendCalls ?? DEFAULT_MAX_BACKEND_CALLS,
  });
  const graphql = createGraphQLHandler(apollo, context, {
    maxBodyBytes: options.limits?.maxBodyBytes,
    documentLimits,
    newTrace,
    hooks: features.flatMap((f) => (f.http ? [f.http] : [])),
  });

  const engineCheck = options.pubsub.readiness;
  const readiness = createDependencyReadiness({
    ...options,
    extraChecks: engineCheck ? { [engineCheck.name]: () => engineCheck.check() } : undefined,
    logger,
  });
  const pages = createWebRoutes({ localAuth: options.localAuth, logger });
  httpServer.on('request', createRouter({ graphql, connections: () => ws.connections, logger, readiness, pages }));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}/graphql`,
    port,
    httpServer,
    ws,
    registry,
    async close() {
      await apollo.stop();
    },
  };
}
