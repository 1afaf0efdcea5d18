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
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { AuthError, type Authenticator } from './auth/authenticator.ts';
import { createDynamoDbDataSource } from './datasources/dynamodb/index.ts';
import { createNoneDataSource } from './datasources/none.ts';
import { createPostgresDataSource } from './datasources/postgres/index.ts';
import type { DataSource, RequestScope } from './datasources/types.ts';
import { createGraphQLHandler } from './http/graphql-handler.ts';
import { createRouter } from './http/router.ts';
import { appendedErrorsPlugin, createErrorFormatter, type Logger } from './plugins/errors.ts';
import { createRequestContext, type RequestContext } from './runtime/context.ts';
import { ErrorType, requestError } from './runtime/errors.ts';
import { buildSchema, loadTypeDefs } from './runtime/schema.ts';
import { subscriptionsByMutation } from './subscriptions/payload.ts';
import { publishPlugin } from './subscriptions/publish-plugin.ts';
import type { PubSub } from './subscriptions/pubsub.ts';
import { createRegistry, type Registry } from './subscriptions/registry.ts';
import { createWsServer, type WsServer } from './subscriptions/ws-server.ts';
import type { LocalAuth } from './web/demo-auth.ts';
import { createWebRoutes } from './web/routes.ts';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ServerOptions {
  readonly port: number;
  readonly host: string;
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
  /** graphql-ws tuning, for tests. */
  readonly ws?: { connectionInitWaitTimeoutMs?: number; keepAliveMs?: number; maxSubscriptionsPerConnection?: number };
  readonly logger?: Logger;
  /** Batch Postgres reads per request (default true); the benchmark compares with it off. */
  readonly batching?: boolean;
  /** Observe each request's data-source call counts (tests and benchmarks). */
  readonly onRequestScope?: (scope: RequestScope, operationName: string | undefined) => void;
  /** AUTH_MODE=local: the demo users the web app and playground may sign in as. */
  readonly localAuth?: LocalAuth;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly httpServer: http.Server;
  readonly ws: WsServer;
  readonly registry: Registry;
  close(): Promise<void>;
}

function sourceIps(req: IncomingMessage): string[] {
  const forwarded = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return [...forwarded, req.socket.remoteAddress ?? ''].filter(Boolean);
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers))
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
  return out;
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
        }),
      ],
      ['users', createPostgresDataSource({ name: 'users', pool: options.pool, batching: options.batching ?? true })],
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

  const httpServer = http.createServer();
  const formatError = createErrorFormatter(logger);
  const registry = createRegistry({
    // Subscription events are shaped from the published payload only: no resolvers run, as on AppSync.
    payloadSchema: makeExecutableSchema({ typeDefs: loadTypeDefs(schemaPath) }),
    subscriptionsByMutation: publishable,
    formatError,
    logger,
  });
  const unsubscribe = options.pubsub.subscribe((event) => registry.handle(event));
  const ws = createWsServer({
    httpServer,
    path: '/graphql',
    schema,
    registry,
    authenticator: options.authenticator,
    env,
    formatError,
    logger,
    ...options.ws,
  });
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    // On whatever NODE_ENV says: GraphQL tools and the playground need it, as on AppSync.
    introspection: true,
    // main.ts owns SIGINT/SIGTERM and stops everything in order; Apollo's own handlers raced it.
    stopOnTerminationSignals: false,
    plugins: [
      // WebSockets first: the HTTP drain waits (up to 10 s) for every open connection, upgraded ones included.
      {
        async serverWillStart() {
          return {
            async drainServer() {
              unsubscribe();
              await ws.dispose();
            },
          };
        },
      },
      ApolloServerPluginDrainHttpServer({ httpServer }),
      publishPlugin(options.pubsub, publishable),
      ApolloServerPluginLandingPageDisabled(),
      // Cache hints are unused here, and the plugin instruments every field of every response.
      ApolloServerPluginCacheControlDisabled(),
      appendedErrorsPlugin(formatError),
      ...(options.onRequestScope
        ? [
            {
              async requestDidStart() {
                return {
                  async willSendResponse({
                    contextValue,
                    operationName,
                  }: {
                    contextValue: RequestContext;
                    operationName?: string | null;
                  }) {
                    options.onRequestScope?.(contextValue.scope, operationName ?? undefined);
                  },
                };
              },
            },
          ]
        : []),
    ],
  });
  await apollo.start();

  const context = async ({ req }: { req: IncomingMessage }): Promise<RequestContext> => {
    try {
      const identity = await options.authenticator.authenticate(req.headers.authorization, sourceIps(req));
      return createRequestContext(identity, lowerCaseHeaders(req), env);
    } catch (error) {
      if (error instanceof AuthError) throw requestError(error.message, ErrorType.UnauthorizedException, 401);
      throw error;
    }
  };
  const graphql = createGraphQLHandler(apollo, context);

  const pages = createWebRoutes({ localAuth: options.localAuth, logger });
  httpServer.on('request', createRouter({ graphql, connections: () => ws.connections, logger, pages }));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    httpServer,
    ws,
    registry,
    async close() {
      await apollo.stop();
    },
  };
}
