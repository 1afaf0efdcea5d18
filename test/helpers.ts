// Tiny helpers for black-box tests: a real server on a random port over real DynamoDB Local and Postgres,
// fresh users per test (unique handles, so test files run concurrently), and a fetch-based GraphQL client.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { startApp, type App, type AppOptions } from '../src/app.ts';
import { localSubForHandle } from '../src/auth/local-issuer.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { createTable } from '../src/data/table.ts';
import { createDynamoDbClient } from '../src/datasources/dynamodb/client.ts';
import { upsertUser } from '../src/data/users.ts';

export interface TestServer extends App {
  readonly config: Config;
  /** Creates a user with a unique handle (prefix kept readable) and returns it with a token. */
  createUser(prefix?: string): Promise<TestUser>;
  gql(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResponse>;
}

export interface TestUser {
  readonly uuid: string;
  readonly handle: string;
  readonly displayName: string;
  readonly token: string;
}

export interface GqlError {
  message: string;
  errorType?: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

export interface GqlResponse<T = any> {
  status: number;
  data?: T;
  errors?: GqlError[];
}

export const uniqueSuffix = () => randomBytes(4).toString('hex');

export async function startTestServer(env: Record<string, string> = {}, options: AppOptions = {}): Promise<TestServer> {
  const config = loadConfig({
    DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    DATABASE_URL: inject('databaseUrl'),
    DYNAMODB_TABLE: `test-${uniqueSuffix()}`,
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'cruddur-test-')),
    PORT: '0',
    SEED: 'false',
    // One test user sends dozens of requests in a burst; rate limits have their own tests, which set these.
    RATE_LIMIT_USER_PER_SECOND: '1000',
    RATE_LIMIT_USER_BURST: '1000',
    RATE_LIMIT_IP_PER_SECOND: '1000',
    RATE_LIMIT_IP_BURST: '1000',
    ...env,
  });
  const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };
  if (config.dynamodbEndpoint) {
    // The table exists before the app starts, as in production (the stream engine reads it at start-up).
    const client = createDynamoDbClient({ endpoint: config.dynamodbEndpoint, region: config.awsRegion });
    await createTable(client, config.dynamodbTable).finally(() => client.destroy());
  }
  const app = await startApp(config, { logger: quiet, ...options });
  const gql = (token: string | null, query: string, variables?: Record<string, unknown>) =>
    post(app.url, token, query, variables);
  return {
    ...app,
    config,
    gql,
    async createUser(prefix = 'user') {
      const handle = `${prefix}_${uniqueSuffix()}`;
      const row = await upsertUser(app.pool, {
        handle,
        displayName: `${prefix} ${handle.slice(-4)}`,
        cognitoUserId: localSubForHandle(handle),
      });
      return { uuid: row.uuid, handle, displayName: row.display_name, token: app.tokenFor(handle) };
    },
  };
}

export async function post(
  url: string,
  token: string | null,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GqlResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: token }) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Omit<GqlResponse, 'status'>;
  return { status: res.status, ...body };
}

/** Selects every Message field: subscribers only get what the publishing mutation selected (AppSync rule). */
export const CREATE_MESSAGE = `mutation Create($input: CreateMessageInput!) {
  createMessage(input: $input) { id messageGroupUuid body createdAt clientMessageId memberIds cursor sender { id handle displayName } }
}`;

export const MESSAGES = `query Messages($g: ID!, $limit: Int, $next: String) {
  messages(messageGroupUuid: $g, limit: $limit, nextToken: $next) { items { id body createdAt sender { handle } } nextToken }
}`;

export const MESSAGE_GROUPS = `query Groups($limit: Int, $next: String) {
  messageGroups(limit: $limit, nextToken: $next) { items { id lastMessage lastMessageAt lastSenderId otherUser { id handle displayName } } nextToken }
}`;

/** Sends a message and fails loudly on errors; returns the created message. */
export async function send(server: TestServer, from: TestUser, input: Record<string, unknown>) {
  const res = await server.gql(from.token, CREATE_MESSAGE, { input });
  if (res.errors?.length) throw new Error(`createMessage failed: ${JSON.stringify(res.errors)}`);
  return res.data.createMessage as {
    id: string;
    messageGroupUuid: string;
    body: string;
    createdAt: string;
    clientMessageId: string | null;
  };
}
