// The bench's loaded items are the write path's items: a conversation written through createMessage (real server,
// DynamoDB Local, Postgres) is read back raw and must equal, attribute for attribute and type for type, what
// scale-items.ts builds for the same users, ids and times. And the loader writes every item of a load, and stops
// at its deadline.
import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxPk, messagesPk, pairKey } from '../../resolvers/lib/keys.ts';
import type { MessageItem } from '../../resolvers/lib/shapes.ts';
import { createDynamoDbClient } from '../../src/datasources/dynamodb/client.ts';
import { send, startTestServer, type TestServer, type TestUser } from '../../test/helpers.ts';
import { batches, loadItems, LoadTimeout, type Item } from './batch-load.ts';
import { conversation, conversationItems, messageItem, toItem } from './scale-items.ts';

let server: TestServer;
let client: DynamoDBClient;

beforeAll(async () => {
  server = await startTestServer();
  client = createDynamoDbClient({ endpoint: server.config.dynamodbEndpoint!, region: server.config.awsRegion });
});
afterAll(async () => {
  client?.destroy();
  await server?.stop();
});

const partition = async (pk: string): Promise<Item[]> =>
  (
    await client.send(
      new QueryCommand({
        TableName: server.config.dynamodbTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

const scaleUser = (u: TestUser) => ({ uuid: u.uuid, handle: u.handle, displayName: u.displayName });

describe('scale items', () => {
  it('equal the items createMessage writes (new conversation, then a second message)', async () => {
    const a = await server.createUser('scale_a');
    const b = await server.createUser('scale_b');
    const first = await send(server, a, { handle: b.handle, body: 'first message' });
    const group = first.messageGroupUuid;
    await send(server, b, { messageGroupUuid: group, body: 'the reply' });

    const stored = await partition(messagesPk(group));
    const messages = stored.filter((i) => !i.sk!.S!.startsWith('MEMBER#'));
    expect(messages).toHaveLength(2);
    const [m1, m2] = messages.map((i) => unmarshall(i) as MessageItem);
    // Each stored message, rebuilt from its own id and time, is the same item exactly (raw attribute values).
    expect(messages[0]).toEqual(
      toItem(messageItem(group, scaleUser(a), scaleUser(b), m1!.created_at, m1!.message, m1!.message_uuid)),
    );
    expect(messages[1]).toEqual(
      toItem(messageItem(group, scaleUser(b), scaleUser(a), m2!.created_at, m2!.message, m2!.message_uuid)),
    );

    const pair = pairKey(a.uuid, b.uuid);
    const actual = [
      ...(await partition(pair.pk)),
      ...stored.filter((i) => i.sk!.S!.startsWith('MEMBER#')),
      ...(await partition(inboxPk(a.uuid))),
      ...(await partition(inboxPk(b.uuid))),
    ];
    const built = conversationItems(group, scaleUser(a), scaleUser(b), m1!, m2!);
    const byKey = (items: Item[]) =>
      [...items].sort((x, y) => (x.pk!.S! + x.sk!.S!).localeCompare(y.pk!.S! + y.sk!.S!));
    expect(byKey(actual)).toEqual(byKey(built));
  });

  it('a loaded conversation reads through the API as written: newest first, every field', async () => {
    const a = await server.createUser('scale_c');
    const b = await server.createUser('scale_d');
    const group = crypto.randomUUID();
    const newest: MessageItem[] = [];
    const result = await loadItems(
      client,
      server.config.dynamodbTable,
      conversation(group, scaleUser(a), scaleUser(b), 60, newest, 20),
    );
    expect(result.written).toBe(65);
    const page = await server.gql(
      b.token,
      `query P($g: ID!) { messages(messageGroupUuid: $g, limit: 20) { items { id body sender { handle } } nextToken } }`,
      { g: group },
    );
    expect(page.errors).toBeUndefined();
    expect(page.data.messages.items).toEqual(
      newest.map((m) => ({ id: m.message_uuid, body: m.message, sender: { handle: m.user_handle } })),
    );
    const inbox = await server.gql(
      a.token,
      `{ messageGroups(limit: 5) { items { id lastMessage otherUser { handle } } } }`,
    );
    expect(inbox.data.messageGroups.items).toEqual([
      { id: group, lastMessage: newest[0]!.message, otherUser: { handle: b.handle } },
    ]);
  });
});

describe('loader', () => {
  it('batches of 25, the last one shorter; refuses a batch size below 1', () => {
    const sizes = [...batches(Array.from({ length: 51 }, (_, i) => i))].map((b) => b.length);
    expect(sizes).toEqual([25, 25, 1]);
    expect([...batches([])]).toEqual([]);
    expect(() => [...batches([1], 0)]).toThrow(RangeError);
  });

  it('writes every item with several batches in flight', async () => {
    const pk = `LOAD#${crypto.randomUUID()}`;
    const items = Array.from({ length: 1_003 }, (_, i) => ({ pk: { S: pk }, sk: { S: String(i).padStart(5, '0') } }));
    const result = await loadItems(client, server.config.dynamodbTable, items, { concurrency: 4 });
    expect(result.written).toBe(1_003);
    let count = 0;
    let start: Record<string, any> | undefined;
    do {
      const out = await client.send(
        new QueryCommand({
          TableName: server.config.dynamodbTable,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: pk } },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      count += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    expect(count).toBe(1_003);
  });

  it('stops at its deadline with what it wrote, instead of running on', async () => {
    const pk = `LOAD#${crypto.randomUUID()}`;
    // An endless source: only the deadline ends this load.
    function* endless(): Generator<Item> {
      for (let i = 0; ; i += 1) yield { pk: { S: pk }, sk: { S: String(i) } };
    }
    const started = Date.now();
    await expect(loadItems(client, server.config.dynamodbTable, endless(), { deadlineMs: 300 })).rejects.toThrow(
      LoadTimeout,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
