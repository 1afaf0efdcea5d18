// Composes the API: data sources → schema with AppSync-style resolvers → Apollo Server (auth in the context,
// error policy, landing page off) on one node:http server. Start-up wiring of real services lives in main.ts.
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { makeExecutableSchema } from '@graphql-tools/schema';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { AuthError, type Authenticator } from './auth/authenticator.ts';
import { createRequestAuthenticator, requestMeta } from './auth/request-auth.ts';
import type { Config } from './config.ts';
import { createDynamoDbDataSource } from './datasources/dynamodb/index.ts';
import { createNoneDataSource } from './datasources/none.ts';
import { createPostgresDataSource } from './datasources/postgres/index.ts';
import type { ReadCache } from './datasources/postgres/read-cache.ts';
import type { DataSource, RequestScope } from './datasources/types.ts';
import { createDependencyReadiness } from './health/readiness.ts';
import { createGraphQLHandler } from './http/graphql-handler.ts';
import { createRouter } from './http/router.ts';
import { drainWebSocketsPlugin } from './plugins/drain-websockets.ts';
import { appendedErrorsPlugin, createErrorFormatter, type Logger } from './plugins/errors.ts';
import { publishPlugin } from './plugins/publish.ts';
import { requestScopePlugin } from './plugins/request-scope.ts';
import { DEFAULT_DOCUMENT_LIMITS, limitRules } from './limits/document-limits.ts';
import { DEFAULT_RATE_LIMITS } from './limits/rate-limiter.ts';
import { clientAddress, createRequestRateLimits, rateLimitPlugin } from './plugins/rate-limit.ts';
import type { RequestContext } from './runtime/context.ts';
import { ErrorType, requestError } from './runtime/errors.ts';
import { DEFAULT_MAX_BACKEND_CALLS, limitBackendCalls } from './runtime/execute.ts';
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
    options.dataSources ??
    new Map<string, DataSource>([
      [
        'messages',
        createDynamoDbDataSource({
          name: 'messages',
          client: options.dynamodb,
          tableName: options.tableName,
          nextTokenKey: options.nextTokenKey,
          logger,
        }),
      ],
      [
        'users',
        createPostgresDataSource({
          name: 'users',
          pool: options.pool,
          batching: options.batching ?? true,
          readCache: options.usersReadCache,
          logger,
        }),
      ],
    ]);
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
  });
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
    plugins: [
      drainWebSocketsPlugin(async () => {
        unsubscribe();
        await ws.dispose();
      }),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      publishPlugin(options.pubsub, publishable),
      ApolloServerPluginLandingPageDisabled(),
      // Cache hints are unused here, and the plugin instruments every field of every response.
      ApolloServerPluginCacheControlDisabled(),
      appendedErrorsPlugin(formatError),
      // One token per request is taken in the context function; this charges the operation's other root fields.
      rateLimitPlugin(rateLimits),
      ...(options.onRequestScope ? [requestScopePlugin(options.onRequestScope)] : []),
    ],
  });
  await apollo.start();

  const maxBackendCalls = options.limits?.maxBackendCalls ?? DEFAULT_MAX_BACKEND_CALLS;
  const context = async ({ req }: { req: IncomingMessage }): Promise<RequestContext> => {
    const ip = clientAddress(
      req.socket.remoteAddress,
      req.headers['x-forwarded-for'],
      options.limits?.rateLimits?.trustedProxyHops ?? 0,
    );
    // A token verified before costs nothing to check again: a flood of forged tokens from an address (a NAT, an
    // office) must not lock out the signed-in users behind it, only new sign-ins from there.
    if (!options.authenticator.knows(req.headers.authorization)) rateLimits.beforeAuth(ip);
    let request: RequestContext;
    try {
      request = await authenticate(req.headers.authorization, requestMeta(req));
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      rateLimits.authFailed(ip);
      throw requestError(error.message, ErrorType.UnauthorizedException, 401);
    }
    rateLimits.authenticated(request.identity!.sub);
    limitBackendCalls(request.scope, maxBackendCalls);
    return request;
  };
  const graphql = createGraphQLHandler(apollo, context, {
    maxBodyBytes: options.limits?.maxBodyBytes,
    documentLimits,
  });

  const readiness = createDependencyReadiness({ ...options, logger });
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
