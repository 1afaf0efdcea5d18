// One contract for both fan-out engines: a message written and published reaches listeners once, in order,
// and unsubscribing stops delivery. The stream engine learns of writes from DynamoDB Local's real stream.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTable } from '../data/table.ts';
import { createDynamoDbClient, createDynamoDbStreamsClient } from '../datasources/dynamodb/client.ts';
import { MESSAGE_EVENTS } from '../data/message-events.ts';
import { createMemoryPubSub } from './memory-pubsub.ts';
import type { PubSub, PubSubEvent } from './pubsub.ts';
import { createStreamPubSub } from './stream-pubsub.ts';

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };
const table = `contract-${randomUUID().slice(0, 8)}`;
let client: ReturnType<typeof createDynamoDbClient>;

beforeAll(async () => {
  client = createDynamoDbClient({ endpoint: inject('dynamodbEndpoint'), region: 'us-east-1' });
  await createTable(client, table);
});
afterAll(() => client?.destroy());

const engines: [string, () => PubSub][] = [
  ['memory', () => createMemoryPubSub({ events: MESSAGE_EVENTS })],
  [
    'dynamodb-stream',
    () =>
      createStreamPubSub({
        dynamodb: client,
        streams: createDynamoDbStreamsClient({ endpoint: inject('dynamodbEndpoint'), region: 'us-east-1' }),
        tableName: table,
        pollIntervalMs: 50,
        logger: quiet,
        events: MESSAGE_EVENTS,
      }),
  ],
];

/** Writes a message item and publishes what its mutation would: the contract both engines must honour. */
async function writeAndPublish(pubsub: PubSub, group: string, body: string): Promise<string> {
  const id = randomUUID();
  const createdAt = new Date().toISOString();
  const item = {
    pk: `MSG#${group}`,
    sk: `${createdAt}#${id}`,
    message_uuid: id,
    user_uuid: 'u1',
    user_handle: 'h',
    user_display_name: 'H',
    message: body,
    created_at: createdAt,
    member_uuids: ['u1', 'u2'],
  };
  await client.send(new PutItemCommand({ TableName: table, Item: marshall(item) }));
  pubsub.publish({ kind: 'mutation', mutation: 'createMessage', payload: { id, messageGroupUuid: group, body } });
  return id;
}

async function until(check: () => boolean, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

describe.each(engines)('%s engine', (_name, make) => {
  it('delivers each published message once, in order, with the payload its mutation published', async () => {
    const pubsub = make();
    await pubsub.start();
    const got: PubSubEvent[] = [];
    const stop = pubsub.subscribe((event) => got.push(event));
    const group = randomUUID();
    const ids = [];
    for (let i = 0; i < 10; i += 1) ids.push(await writeAndPublish(pubsub, group, `b${i}`));
    await until(() => got.length >= 10);
    await new Promise((r) => setTimeout(r, 200));
    expect(got.map((e) => (e.kind === 'mutation' ? e.payload.id : null))).toEqual(ids);
    expect(got[0]).toEqual({
      kind: 'mutation',
      mutation: 'createMessage',
      payload: { id: ids[0], messageGroupUuid: group, body: 'b0' },
    });
    stop();
    await writeAndPublish(pubsub, group, 'after stop');
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toHaveLength(10);
    await pubsub.close();
  });

  it('delivers a message once when its creation is published again (a retried idempotent createMessage)', async () => {
    const pubsub = make();
    await pubsub.start();
    const got: PubSubEvent[] = [];
    pubsub.subscribe((event) => got.push(event));
    const group = randomUUID();
    const id = await writeAndPublish(pubsub, group, 'once');
    const retry = {
      kind: 'mutation',
      mutation: 'createMessage',
      payload: { id, messageGroupUuid: group, body: 'once' },
    };
    for (let i = 0; i < 5; i += 1) pubsub.publish(retry as PubSubEvent);
    await until(() => got.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 5; i += 1) pubsub.publish(retry as PubSubEvent);
    await new Promise((r) => setTimeout(r, 300));
    expect(got.map((e) => (e.kind === 'mutation' ? e.payload.id : null))).toEqual([id]);
    await pubsub.close();
  });

  it('passes other events (invalidations) straight through', async () => {
    const pubsub = make();
    await pubsub.start();
    const got: PubSubEvent[] = [];
    pubsub.subscribe((event) => got.push(event));
    pubsub.publish({ kind: 'invalidate', subscriptionField: 'onRoom', payload: { room: 'r' } });
    expect(got).toEqual([{ kind: 'invalidate', subscriptionField: 'onRoom', payload: { room: 'r' } }]);
    await pubsub.close();
  });
});
