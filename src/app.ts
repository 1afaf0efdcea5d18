// Brings the whole system up from a Config: embedded DynamoDB Local / Postgres when no endpoint is configured,
// schema and demo data when absent, then the API. `stop()` takes everything down in reverse order.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createAuthenticator, type Authenticator } from './auth/authenticator.ts';
import { createLocalIssuer, localSubForHandle, type LocalIssuer } from './auth/local-issuer.ts';
import type { Config } from './config.ts';
import { nextTokenKey } from './data/secrets.ts';
import { seedConversations } from './data/seed.ts';
import { createTable } from './data/table.ts';
import { DEMO_USERS, loadUsersSchema, seedDemoUsers } from './data/users.ts';
import { createDynamoDbClient, createDynamoDbStreamsClient } from './datasources/dynamodb/client.ts';
import { startChangeFeed } from './datasources/postgres/change-feed.ts';
import { createReadCache, DEFAULT_READ_CACHE, type ReadCache } from './datasources/postgres/read-cache.ts';
import { copyRdsResponse } from './datasources/postgres/rds-response.ts';
import { startDynamoDbLocal } from './embedded/dynamodb-local.ts';
import { startEmbeddedPostgres } from './embedded/postgres.ts';
import { startMetricsServer } from './http/metrics-server.ts';
import type { Logger } from './observability/logger.ts';
import { streamBatchLogger } from './plugins/logging.ts';
import { createMetrics, type Metrics } from './plugins/metrics.ts';
import { startServer, type RunningServer, type ServerOptions } from './server.ts';
import { MESSAGE_EVENTS } from './data/message-events.ts';
import { createMemoryPubSub } from './subscriptions/memory-pubsub.ts';
import type { PubSub } from './subscriptions/pubsub.ts';
import type { StreamBatch } from './subscriptions/stream-poller.ts';
import { createRedisPubSub } from './subscriptions/redis-pubsub.ts';
import { redisEventsKey } from './subscriptions/redis-events.ts';
import { createStreamPubSub } from './subscriptions/stream-pubsub.ts';

export const POOL_SIZE = 10;

export interface App {
  readonly url: string;
  readonly server: RunningServer;
  readonly dynamodb: DynamoDBClient;
  readonly pool: pg.Pool;
  readonly dynamodbEndpoint: string | undefined;
  readonly databaseUrl: string;
  /** Only in AUTH_MODE=local. */
  readonly issuer: LocalIssuer | null;
  readonly pubsub: PubSub;
  /** METRICS_PORT set: the Prometheus endpoint (`http://host:port/metrics`) and the metrics behind it. */
  readonly metrics: { readonly url: string; readonly metrics: Metrics } | null;
  /** A local token for a handle (AUTH_MODE=local only). */
  tokenFor(handle: string, expiresInSeconds?: number): string;
  stop(): Promise<void>;
}

export interface AppOptions {
  readonly logger?: Logger;
  /** One structured line per request and per subscribe (main.ts: when LOG_LEVEL writes info lines). */
  readonly requestLog?: boolean;
  readonly onRequestScope?: ServerOptions['onRequestScope'];
  readonly batching?: boolean;
  readonly ws?: ServerOptions['ws'];
  readonly api?: ServerOptions['api'];
}

/**
 * The users read cache. On a Postgres server every instance listens for the users table's change notices and
 * serves from memory only while it is listening, so a changed or re-linked user is seen at once everywhere. The
 * embedded PGlite delivers no notices between connections: there the TTL alone bounds how long a change made
 * outside this server (a script, psql) takes to show; the server itself writes no users.
 */
function startUsersReadCache(
  config: Config,
  databaseUrl: string,
  logger: Logger,
  stops: (() => Promise<void>)[],
): ReadCache | undefined {
  if (config.usersCacheTtlMs === 0) return undefined;
  const cache = createReadCache({ ...DEFAULT_READ_CACHE, ttlMs: config.usersCacheTtlMs }, performance, copyRdsResponse);
  if (!config.databaseUrl) return cache;
  cache.setEnabled(false);
  const feed = startChangeFeed({
    connectionString: databaseUrl,
    onChange: (table) => {
      if (table === 'users') cache.invalidate();
    },
    onListening: (listening) => cache.setEnabled(listening),
    logger,
  });
  stops.push(() => feed.stop());
  return cache;
}

function authenticatorFor(config: Config, issuer: LocalIssuer | null): Authenticator {
  if (config.authMode === 'local' && issuer) {
    return createAuthenticator({ mode: 'local', issuer: issuer.issuer, clientId: issuer.clientId, jwks: issuer.jwks });
  }
  const jwks = config.cognitoJwksFile
    ? (JSON.parse(readFileSync(config.cognitoJwksFile, 'utf8')) as { keys: unknown[] })
    : undefined;
  return createAuthenticator({
    mode: 'cognito',
    userPoolId: config.cognitoUserPoolId!,
    clientId: config.cognitoClientId!,
    jwks,
  });
}

/** The fan-out engine PUBSUB names, with this app's table-item-to-event mapping. */
function createPubSub(
  config: Config,
  dynamodb: DynamoDBClient,
  endpoint: string,
  logger: Logger,
  onBatch: (batch: StreamBatch) => void,
): PubSub {
  const streams = () => createDynamoDbStreamsClient({ endpoint, region: config.awsRegion });
  const tableName = config.dynamodbTable;
  switch (config.pubsub) {
    case 'memory':
      return createMemoryPubSub({ events: MESSAGE_EVENTS });
    case 'dynamodb-stream':
      return createStreamPubSub({
        dynamodb,
        streams: streams(),
        tableName,
        pollIntervalMs: config.streamPollIntervalMs,
        logger,
        events: MESSAGE_EVENTS,
        onBatch,
      });
    case 'redis': {
      const redis = config.redis!;
      return createRedisPubSub({
        redisUrl: redis.url,
        key: redisEventsKey(tableName),
        events: MESSAGE_EVENTS,
        fastPath: redis.fastPath,
        streamReader:
          redis.streamReader === 'lease'
            ? {
                dynamodb,
                streams: streams(),
                tableName,
                pollIntervalMs: config.streamPollIntervalMs,
                leaseMs: redis.leaseMs,
                onBatch,
              }
            : undefined,
        logger,
      });
    }
  }
}

export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? console;
  const stops: (() => Promise<void>)[] = [];
  // Run synchronously before the ordered stops: nothing may be restarted once shutting down has begun.
  const stopping: (() => void)[] = [];
  const stopAll = async () => {
    for (const first of stopping.splice(0)) first();
    for (const stop of stops.reverse())
      await stop().catch((error: unknown) => logger.error('[cruddur] stop failed', error));
    stops.length = 0;
  };
  try {
    let endpoint = config.dynamodbEndpoint;
    if (!endpoint) {
      // Supervised: restarted on the same port and dbPath if java dies (src/embedded/dynamodb-local.ts).
      const ddb = await startDynamoDbLocal({ dbPath: path.join(config.dataDir, 'dynamodb'), logger });
      stopping.push(() => ddb.endSupervision());
      stops.push(() => ddb.stop());
      endpoint = ddb.endpoint;
    }
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres({
        dataDir: path.join(config.dataDir, 'postgres'),
        // A unix socket in a 0700 directory: PGlite takes any client without a password (src/embedded/postgres.ts).
        socketDir: path.join(config.dataDir, 'postgres-socket'),
        maxConnections: POOL_SIZE + 2,
      });
      stops.push(() => embedded.stop());
      databaseUrl = embedded.url;
    }
    const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL_SIZE, connectionTimeoutMillis: 3000 });
    pool.on('error', (error) => logger.error('[cruddur] idle Postgres connection failed', error.message));
    stops.push(() => pool.end());
    const dynamodb = createDynamoDbClient({ endpoint, region: config.awsRegion });
    stops.push(async () => dynamodb.destroy());
    const usersReadCache = startUsersReadCache(config, databaseUrl, logger, stops);

    const issuer = config.authMode === 'local' ? createLocalIssuer(config.dataDir) : null;
    if (config.seed) {
      await createTable(dynamodb, config.dynamodbTable);
      await loadUsersSchema(pool);
      if (issuer) await seedDemoUsers(pool);
    }
    const metrics = config.metrics ? createMetrics() : undefined;
    const logBatch = streamBatchLogger(logger);
    const pubsub = createPubSub(config, dynamodb, endpoint, logger, (batch) => {
      logBatch(batch);
      metrics?.streamBatch(batch);
    });
    const server = await startServer({
      port: config.port,
      host: config.host,
      tls: config.tls && { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) },
      dynamodb,
      tableName: config.dynamodbTable,
      pool,
      authenticator: authenticatorFor(config, issuer),
      nextTokenKey: nextTokenKey(config.nextTokenSecret, config.dataDir),
      logger,
      serverTiming: config.serverTiming,
      requestLog: options.requestLog,
      metrics,
      batching: options.batching ?? config.batching,
      usersReadCache,
      onRequestScope: options.onRequestScope,
      pubsub,
      ws: { ...config.subscriptions, ...options.ws },
      api: options.api,
      limits: config,
      localAuth: issuer
        ? { users: DEMO_USERS, tokenFor: (h) => issuer.sign({ sub: localSubForHandle(h), username: h }) }
        : undefined,
    });
    stops.push(() => server.close());
    const metricsServer =
      metrics && config.metrics ? await startMetricsServer({ ...config.metrics, metrics, logger }) : null;
    if (metricsServer) stops.push(() => metricsServer.close());
    await pubsub.start();
    stops.push(() => pubsub.close());
    const tokenFor = (handle: string, expiresInSeconds?: number) => {
      if (!issuer) throw new Error('Tokens can be minted only in AUTH_MODE=local');
      return issuer.sign({ sub: localSubForHandle(handle), username: handle }, expiresInSeconds);
    };
    if (config.seed && issuer) await seedConversations({ url: server.url, tokenFor: (h) => tokenFor(h) });
    return {
      url: server.url,
      server,
      dynamodb,
      pool,
      dynamodbEndpoint: endpoint,
      databaseUrl,
      issuer,
      pubsub,
      metrics: metricsServer && metrics ? { url: metricsServer.url, metrics } : null,
      tokenFor,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
