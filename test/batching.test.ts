// Counts backend calls per request: the inbox with every conversation's other user costs one DynamoDB query,
// one identity lookup and one users query, however many conversations there are.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RequestScope } from '../src/datasources/types.ts';
import { send, startTestServer, type TestServer } from './helpers.ts';

const calls = new Map<string, RequestScope['calls']>();
let server: TestServer;
let unbatched: TestServer;

beforeAll(async () => {
  const record = (scope: RequestScope, operationName: string | undefined) => {
    if (operationName) calls.set(operationName, { ...scope.calls });
  };
  // The users read cache off: these count what one request costs on its own (test/users-cache.test.ts has the rest).
  server = await startTestServer({ USERS_CACHE_TTL_MS: '0' }, { onRequestScope: record });
  unbatched = await startTestServer(
    // Unbatched, every row's user is its own call: 52 for this inbox, over the default budget of 50 per request.
    {
      DYNAMODB_TABLE: server.config.dynamodbTable,
      DATA_DIR: server.config.dataDir,
      MAX_BACKEND_CALLS: '200',
      USERS_CACHE_TTL_MS: '0',
    },
    { onRequestScope: record, batching: false },
  );
});
afterAll(async () => {
  await Promise.all([server?.stop(), unbatched?.stop()]);
});

const INBOX = `query Inbox50 { messageGroups(limit: 50) { items { id lastMessage otherUser { id handle displayName } } } }`;

it('messageGroups(limit: 50) selecting the other user makes 1 DynamoDB query and 2 Postgres queries', async () => {
  const me = await server.createUser('hub');
  const others = await Promise.all(Array.from({ length: 50 }, () => server.createUser('spoke')));
  for (const other of others) await send(server, me, { handle: other.handle, body: `hi ${other.handle}` });

  const res = await server.gql(me.token, INBOX);
  expect(res.errors).toBeUndefined();
  const items = res.data.messageGroups.items as { otherUser: { handle: string } }[];
  expect(items).toHaveLength(50);
  expect(items.map((g) => g.otherUser.handle).sort()).toEqual(others.map((o) => o.handle).sort());
  expect(calls.get('Inbox50')).toEqual({ dynamodb: 1, postgres: 2 });

  // The same request without batching makes one users query per conversation: the loader is what saves them.
  const plain = await unbatched.gql(me.token, INBOX);
  expect(plain.data).toEqual(res.data);
  expect(calls.get('Inbox50')).toEqual({ dynamodb: 1, postgres: 51 });
});

it('the first page of messages costs one DynamoDB query (membership comes from the same query)', async () => {
  const [a, b] = await Promise.all([server.createUser('one'), server.createUser('two')]);
  const first = await send(server, a, { handle: b.handle, body: 'x' });
  const res = await server.gql(
    a.token,
    `query Page($g: ID!) { messages(messageGroupUuid: $g) { items { id body } } }`,
    { g: first.messageGroupUuid },
  );
  expect(res.errors).toBeUndefined();
  expect(calls.get('Page')).toEqual({ dynamodb: 1, postgres: 1 });
});
