// The services and data every benchmark shares: DynamoDB Local, Postgres, one table, bench users and their
// conversations (written through the API, the same path as real messages), and tokens.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createLocalIssuer, localSubForHandle } from '../../src/auth/local-issuer.ts';
import { createTable } from '../../src/data/table.ts';
import { loadUsersSchema, upsertUser } from '../../src/data/users.ts';
import { createDynamoDbClient } from '../../src/datasources/dynamodb/client.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../src/embedded/dynamodb-local.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/embedded/postgres.ts';
import { callGraphQL } from './http.ts';

export interface BenchUser {
  readonly uuid: string;
  readonly handle: string;
  readonly token: string;
}

export interface Services {
  readonly dataDir: string;
  readonly dynamodbEndpoint: string;
  readonly databaseUrl: string;
  readonly postgresKind: string;
  readonly table: string;
  readonly dynamodb: DynamoDBClient;
  readonly pool: pg.Pool;
  user(prefix: string): Promise<BenchUser>;
  /** Environment for an API process on these services. */
  apiEnv(extra?: Record<string, string>): Record<string, string>;
  stop(): Promise<void>;
}

export async function startServices(suffix: string): Promise<Services> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-bench-'));
  const ddb: DynamoDbLocal = await startDynamoDbLocal();
  const external = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  const embedded: EmbeddedPostgres | null = external ? null : await startEmbeddedPostgres({ maxConnections: 60 });
  const databaseUrl = external || embedded!.url;
  const table = `bench-${suffix}`;
  const dynamodb = createDynamoDbClient({ endpoint: ddb.endpoint, region: 'us-east-1' });
  await createTable(dynamodb, table);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  await loadUsersSchema(pool);
  const issuer = createLocalIssuer(dataDir);
  let n = 0;
  return {
    dataDir,
    dynamodbEndpoint: ddb.endpoint,
    databaseUrl,
    postgresKind: external ? 'PostgreSQL server (BENCH_DATABASE_URL / TEST_DATABASE_URL)' : 'embedded PGlite',
    table,
    dynamodb,
    pool,
    async user(prefix) {
      n += 1;
      const handle = `${prefix}_${suffix}_${n}`;
      const row = await upsertUser(pool, {
        handle,
        displayName: `${prefix} ${n}`,
        cognitoUserId: localSubForHandle(handle),
      });
      return { uuid: row.uuid, handle, token: issuer.sign({ sub: localSubForHandle(handle), username: handle }) };
    },
    apiEnv(extra = {}) {
      return {
        DATA_DIR: dataDir,
        DYNAMODB_ENDPOINT: ddb.endpoint,
        DATABASE_URL: databaseUrl,
        DYNAMODB_TABLE: table,
        SEED: 'false',
        HOST: '127.0.0.1',
        // One bench user holds up to 5,000 sockets (R10, R14): lift the per-user and pending-socket bounds.
        WS_MAX_CONNECTIONS_PER_USER: '100000',
        WS_MAX_SUBSCRIPTIONS_PER_USER: '100000',
        WS_MAX_PENDING_CONNECTIONS: '100000',
        WS_MAX_PENDING_PER_ADDRESS: '100000',
        // The benchmark drives one user at hundreds of requests a second: the rate limit and the call budget
        // would be what it measures (BATCHING=false makes 52 calls per inbox), not the API.
        RATE_LIMIT_USER_PER_SECOND: '1000000',
        RATE_LIMIT_USER_BURST: '1000000',
        RATE_LIMIT_IP_PER_SECOND: '1000000',
        RATE_LIMIT_IP_BURST: '1000000',
        MAX_BACKEND_CALLS: '1000',
        ...extra,
      };
    },
    async stop() {
      await pool.end();
      dynamodb.destroy();
      await embedded?.stop();
      await ddb.stop();
    },
  };
}

export const CREATE = `mutation Create($input: CreateMessageInput!) {
  createMessage(input: $input) { id messageGroupUuid body createdAt clientMessageId memberIds cursor sender { id handle displayName } }
}`;

export async function sendMessage(
  url: string,
  from: BenchUser,
  input: Record<string, unknown>,
): Promise<{ id: string; messageGroupUuid: string }> {
  const data = await callGraphQL({
    url,
    token: from.token,
    query: CREATE,
    variables: () => ({ input }),
    check: (d) => Boolean(d?.createMessage?.id),
  });
  return data.createMessage;
}

/**
 * apiEnv lifts the per-user bounds so one bench user may hold thousands of sockets (R10, R14) and send hundreds of
 * requests a second; R18, R19 and the soak measure what an exposed server does, so they put the production
 * defaults of the socket bounds back, and R18 and the soak the rate limits too (R19's writer sends as fast as it
 * can: memory under fan-out is what it measures).
 */
export const PRODUCTION_WS_LIMITS: Record<string, string> = {
  WS_MAX_CONNECTIONS_PER_USER: '20',
  WS_MAX_SUBSCRIPTIONS_PER_USER: '200',
  WS_MAX_PENDING_CONNECTIONS: '1024',
  WS_MAX_PENDING_PER_ADDRESS: '256',
};

export const PRODUCTION_LIMITS: Record<string, string> = {
  ...PRODUCTION_WS_LIMITS,
  RATE_LIMIT_USER_PER_SECOND: '20',
  RATE_LIMIT_USER_BURST: '50',
  RATE_LIMIT_IP_PER_SECOND: '2',
  RATE_LIMIT_IP_BURST: '20',
  MAX_BACKEND_CALLS: '50',
};
