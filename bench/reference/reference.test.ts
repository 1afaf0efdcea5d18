// The R6 reference answers the bench query correctly and really caches parse + validate; the broadcast
// reference speaks enough graphql-transport-ws for the subscriber pool.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { benchMessages } from './fixtures.ts';
import { startGraphqlHttpReference, type GraphqlHttpReference } from './graphql-http-server.ts';
import { startWsBroadcastReference } from './ws-broadcast-server.ts';

const QUERY = '{ messages(messageGroupUuid:"g", limit: 20) { items { id body } nextToken } }';

describe('graphql-http reference', () => {
  let reference: GraphqlHttpReference;
  beforeAll(async () => {
    reference = await startGraphqlHttpReference();
  });
  afterAll(() => reference.close());

  const post = async (query: string) => {
    const res = await fetch(reference.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { data?: { messages: { items: { id: string; body: string }[] } }; errors?: unknown };
  };

  it('returns the fixture messages and parses + validates a repeated query once', async () => {
    const first = await post(QUERY);
    expect(first.errors).toBeUndefined();
    expect(first.data?.messages.items).toHaveLength(20);
    expect(first.data?.messages.items).toEqual(benchMessages('g', 20).map(({ id, body }) => ({ id, body })));
    const after = { ...reference.stats };

    const second = await post(QUERY);
    expect(second).toEqual(first);
    expect(reference.stats.parses).toBe(after.parses);
    expect(reference.stats.validations).toBe(after.validations);
    expect(reference.stats.cacheHits).toBe(after.cacheHits + 1);
  });

  it('reports validation errors (and still caches them)', async () => {
    const bad = '{ nope }';
    const first = await post(bad);
    const validations = reference.stats.validations;
    const second = await post(bad);
    expect(first.errors).toBeDefined();
    expect(second).toEqual(first);
    expect(reference.stats.validations).toBe(validations);
  });
});

describe('ws broadcast reference', () => {
  it('acks, pongs, counts subscribes, and broadcasts the publish body', async () => {
    const reference = await startWsBroadcastReference();
    try {
      const ws = new WebSocket(reference.wsUrl, 'graphql-transport-ws');
      const frames: string[] = [];
      let onFrame = () => {};
      ws.on('message', (data: Buffer) => {
        frames.push(data.toString());
        onFrame();
      });
      const nextFrame = (n: number) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`only ${frames.length} frames`)), 5000);
          onFrame = () => {
            if (frames.length >= n) {
              clearTimeout(timer);
              resolve();
            }
          };
          onFrame();
        });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      expect(ws.protocol).toBe('graphql-transport-ws');
      ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
      ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { x }' } }));
      ws.send(JSON.stringify({ type: 'ping' }));
      await nextFrame(2);
      expect(frames.map((f) => JSON.parse(f) as unknown)).toEqual([{ type: 'connection_ack' }, { type: 'pong' }]);

      const res = await fetch(`${reference.url}/publish`, {
        method: 'POST',
        body: JSON.stringify({ body: 'hello-1' }),
      });
      expect(await res.json()).toEqual({ delivered: 1 });
      await nextFrame(3);
      const next = JSON.parse(frames[2]!) as { id: string; type: string; payload: { data: { onMessage: unknown } } };
      expect(next).toMatchObject({ id: '1', type: 'next', payload: { data: { onMessage: { body: 'hello-1' } } } });

      const stats = (await (await fetch(`${reference.url}/stats`)).json()) as Record<string, number>;
      expect(stats).toMatchObject({ connections: 1, subscribes: 1 });
      expect(stats.rss).toBeGreaterThan(0);
      ws.terminate();
    } finally {
      await reference.close();
    }
  });
});
