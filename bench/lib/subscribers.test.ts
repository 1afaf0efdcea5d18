// The subscriber pool against the raw ws broadcast reference: every socket stamps every publish, stamps come
// after the publish started, and close() really drops every connection.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWsBroadcastReference, type WsBroadcastReference } from '../reference/ws-broadcast-server.ts';
import { createSubscriberPool, type SubscriberPool } from './subscribers.ts';

const COUNT = 200;
let reference: WsBroadcastReference;
let pool: SubscriberPool | undefined;

beforeAll(async () => {
  reference = await startWsBroadcastReference();
});
afterAll(async () => {
  await pool?.close();
  await reference.close();
});

async function connections(): Promise<number> {
  const res = await fetch(`${reference.url}/stats`);
  return ((await res.json()) as { connections: number }).connections;
}

it('stamps every publish on every socket, then closes every socket', async () => {
  pool = await createSubscriberPool({
    url: reference.wsUrl,
    count: COUNT,
    workers: 2,
    connectionParams: { Authorization: 'unused' },
    subscribe: {
      query: 'subscription($g: ID!) { onMessage(messageGroupUuid: $g) { id body } }',
      variables: { g: 'g' },
    },
  });
  expect(pool.ready).toBe(COUNT);
  expect(await connections()).toBe(COUNT);

  for (let round = 0; round < 3; round++) {
    const body = `bench-publish-${round}-${process.hrtime.bigint()}`;
    const collection = pool.collect(body, COUNT, 10_000);
    await collection.armed;
    const before = process.hrtime.bigint();
    const res = await fetch(`${reference.url}/publish`, { method: 'POST', body: JSON.stringify({ body }) });
    expect(await res.json()).toEqual({ delivered: COUNT });
    const stamps = await collection;
    expect(stamps).toHaveLength(COUNT);
    expect(stamps.every((t) => typeof t === 'bigint' && t > before)).toBe(true);
  }

  // A body nobody publishes times out with a count.
  await expect(pool.collect('never-published', 1, 50)).rejects.toThrow(/0 of 1 arrived within 50 ms/);

  await pool.close();
  pool = undefined;
  // The server notices the terminated sockets asynchronously: poll, bounded.
  let open = -1;
  for (let i = 0; i < 50 && open !== 0; i++) {
    open = await connections();
    if (open !== 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(open).toBe(0);
});

it('rejects with the reason when sockets cannot connect', async () => {
  await expect(
    createSubscriberPool({
      url: 'ws://127.0.0.1:1/graphql',
      count: 3,
      connectionParams: {},
      subscribe: null,
      connectTimeoutMs: 2000,
    }),
  ).rejects.toThrow(/only 0 of 3 sockets ready \(3 failed\)[\s\S]*ECONNREFUSED/);
});
