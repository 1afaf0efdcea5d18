// The API on in-memory data sources (R6): the same server, schema, resolvers, auth and runtime, with the
// DynamoDB and Postgres data sources answering from memory, so only the GraphQL stack is measured.
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { memberSk, messagesPk } from '../../resolvers/lib/keys.ts';
import { createAuthenticator } from '../../src/auth/authenticator.ts';
import { createLocalIssuer } from '../../src/auth/local-issuer.ts';
import type { DataSource } from '../../src/datasources/types.ts';
import { createDynamoDbClient } from '../../src/datasources/dynamodb/client.ts';
import { startServer } from '../../src/server.ts';
import { MESSAGE_EVENTS } from '../../src/data/message-events.ts';
import { createMemoryPubSub } from '../../src/subscriptions/memory-pubsub.ts';
import { benchMessages } from '../reference/fixtures.ts';

export const STUB_USER = {
  uuid: '00000000-0000-4000-8000-00000000000a',
  handle: 'benchuser',
  display_name: 'Bench User',
};

const pages = new Map<string, ReturnType<typeof buildPage>>();

/** Built once per group and limit, as the reference server keeps its fixtures: only the stack is measured. */
function storedPage(group: string, limit: number) {
  const key = `${group}:${limit}`;
  let page = pages.get(key);
  if (!page) {
    page = buildPage(group, limit);
    if (pages.size < 1000) pages.set(key, page);
  }
  return page;
}

/** The message items our resolvers read, built from the same fixtures the reference server serves. */
function buildPage(group: string, limit: number) {
  const members = [STUB_USER.uuid, '00000000-0000-4000-8000-00000000000b'].map((u) => ({
    pk: messagesPk(group),
    sk: memberSk(u),
    user_uuid: u,
  }));
  const messages = benchMessages(group, limit).map((m) => ({
    pk: messagesPk(group),
    sk: m.cursor,
    message_uuid: m.id,
    user_uuid: m.sender.id,
    user_handle: m.sender.handle,
    user_display_name: m.sender.displayName,
    message: m.body,
    created_at: m.createdAt,
    client_message_id: null,
    member_uuids: m.memberIds,
  }));
  return { items: [...members, ...messages], nextToken: null, scannedCount: members.length + messages.length };
}

export function stubDataSources(): Map<string, DataSource> {
  const users: DataSource = {
    name: 'users',
    kind: 'RELATIONAL_DATABASE',
    async invoke(_request, scope) {
      scope.calls.postgres += 1;
      const row = [
        { stringValue: STUB_USER.uuid },
        { stringValue: STUB_USER.handle },
        { stringValue: STUB_USER.display_name },
      ];
      const columnMetadata = ['uuid', 'handle', 'display_name'].map((name) => ({
        name,
        label: name,
        typeName: 'text',
      }));
      return { result: { sqlStatementResults: [{ numberOfRecordsUpdated: 0, records: [row], columnMetadata }] } };
    },
  };
  const messages: DataSource = {
    name: 'messages',
    kind: 'AMAZON_DYNAMODB',
    async invoke(request, scope) {
      scope.calls.dynamodb += 1;
      const r = request as {
        operation: string;
        limit?: number;
        query?: { expressionValues?: Record<string, { S?: string }> };
      };
      if (r.operation !== 'Query')
        return { error: { type: 'MappingTemplate', message: `stub serves Query only, not ${r.operation}` } };
      const pk = r.query?.expressionValues?.[':pk']?.S ?? '';
      return { result: storedPage(pk.slice(4), (r.limit ?? 22) - 2) };
    },
  };
  return new Map([
    ['users', users],
    ['messages', messages],
  ]);
}

async function main() {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, 'data-dir': { type: 'string' } } });
  const issuer = createLocalIssuer(values['data-dir'] ?? path.join(process.cwd(), '.data'));
  // Unused by the stubs, but the server's signature wants them; nothing connects.
  const dynamodb = createDynamoDbClient({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1' });
  const pool = new pg.Pool({ connectionString: 'postgres://127.0.0.1:1/none' });
  const server = await startServer({
    port: Number(values.port),
    host: '127.0.0.1',
    dynamodb,
    tableName: 'stub',
    pool,
    authenticator: createAuthenticator({
      mode: 'local',
      issuer: issuer.issuer,
      clientId: issuer.clientId,
      jwks: issuer.jwks,
    }),
    nextTokenKey: Buffer.alloc(32, 7),
    pubsub: createMemoryPubSub({ events: MESSAGE_EVENTS }),
    dataSources: stubDataSources(),
    logger: { error: console.error, warn: () => undefined, info: () => undefined },
    // One user at hundreds of requests a second: without this the rate limit is what would be measured.
    limits: {
      rateLimits: {
        user: { refillPerSecond: 1e6, capacity: 1e6 },
        ip: { refillPerSecond: 1e6, capacity: 1e6 },
        maxKeys: 1000,
        trustedProxyHops: 0,
      },
    },
  });
  console.log(`READY ${server.url}`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) void main();
