// What a WebSocket may cost, over real sockets: frame and document bounds, what an unauthenticated socket may hold,
// slow consumers, and what one user may hold across sockets. Each case was an attack that hurt the server before.
import { randomUUID } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startTestServer, type TestServer, type TestUser } from './helpers.ts';
import { connect, rawSocket, sleep } from './ws-helpers.ts';

let server: TestServer;
let a: TestUser;
let b: TestUser;
let group: string;

beforeAll(async () => {
  server = await startTestServer({}, { ws: { maxBufferedBytes: 64 * 1024 } });
  [a, b] = await Promise.all([server.createUser('wsb_a'), server.createUser('wsb_b')]);
  group = (await send(server, a, { handle: b.handle, body: 'hello' })).messageGroupUuid;
});
afterAll(async () => {
  await server?.stop();
});

const ON_MESSAGE = `subscription On($g: ID!) { onMessage(messageGroupUuid: $g) { id body } }`;

/** The heap after a full collection: the test process is the server's process. */
function heapAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

async function healthOk(): Promise<boolean> {
  const res = await fetch(server.url.replace('/graphql', '/health'), { signal: AbortSignal.timeout(2_000) });
  return res.status === 200;
}

describe('frames and documents', () => {
  it('closes a socket that sends a frame over the message bound with 1009, before authentication; health keeps answering', async () => {
    const sockets = await Promise.all(Array.from({ length: 20 }, () => rawSocket(server.url)));
    const frame = 'x'.repeat(1024 * 1024);
    for (const socket of sockets) socket.ws.send(frame);
    // 1009 Message Too Big; a client still writing its frame may see the reset first (1006). The old server took
    // frames up to 100 MiB, parsed them and answered 4400.
    const closes = await Promise.all(sockets.map((s) => s.closed));
    expect(closes.filter((c) => c.code !== 1009 && c.code !== 1006)).toEqual([]);
    expect(closes.some((c) => c.code === 1009)).toBe(true);
    expect(await healthOk()).toBe(true);
  });

  it('closes a socket whose message before connection_ack is over 16 KiB with 4400', async () => {
    const socket = await rawSocket(server.url);
    socket.send({ type: 'connection_init', payload: { Authorization: a.token, padding: 'p'.repeat(20_000) } });
    expect((await socket.closed).code).toBe(4400);
  });

  it('refuses 150 distinct documents of 15,000 tokens each without parsing them, and the heap stays bounded', async () => {
    const socket = await rawSocket(server.url, a.token);
    const before = heapAfterGc();
    for (let i = 0; i < 150; i += 1) {
      const aliases = Array.from({ length: 5_000 }, (_, k) => `a${k}:id`).join(' ');
      const query = `subscription D${i} { onInboxMessage { ${aliases} } }`;
      expect(query.length).toBeLessThan(64 * 1024);
      socket.send({ id: `d${i}`, type: 'subscribe', payload: { query } });
      socket.send({ id: `d${i}`, type: 'complete' });
    }
    const last = await socket.waitFor((m) => m.id === 'd149' && m.type === 'error', 20_000);
    expect(last.payload[0].extensions.errorType).toBe('LimitExceeded');
    expect(last.payload[0].message).toMatch(/tokens/);
    expect(socket.messages.filter((m) => m.type === 'error')).toHaveLength(150);
    // Parsed and cached, each would hold ~5 MB of AST (the process died of it before).
    expect(heapAfterGc() - before).toBeLessThan(64 * 1024 * 1024);
    // Over the document size bound (but within the frame bound): PayloadTooLarge, as over HTTP.
    const big = `subscription Big { onInboxMessage { ${'id '.repeat(30_000)}} }`;
    socket.send({ id: 'big', type: 'subscribe', payload: { query: big } });
    const tooBig = await socket.waitFor((m) => m.id === 'big' && m.type === 'error');
    expect(tooBig.payload[0].extensions.errorType).toBe('PayloadTooLarge');
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    socket.ws.close();
  });
});

describe('slow consumers', () => {
  it('closes a socket that stops reading with 1013 once its unsent buffer passes the bound; other subscribers get every event', async () => {
    const slow = await rawSocket(server.url, a.token);
    for (let i = 0; i < 20; i += 1)
      slow.send({ id: `s${i}`, type: 'subscribe', payload: { query: ON_MESSAGE, variables: { g: group } } });
    const reader = connect(server.url, b.token);
    const listener = reader.listen(ON_MESSAGE, { g: group });
    // Each subscribe runs its resolver (Postgres + DynamoDB); wait until all 21 are registered.
    const until = Date.now() + 10_000;
    while (server.server.registry.size < 21 && Date.now() < until) await sleep(20);
    expect(slow.messages.filter((m) => m.type === 'error').map((m) => m.payload[0].message)).toEqual([]);
    const registered = server.server.registry.size;
    expect(registered).toBeGreaterThanOrEqual(21);
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const body = 'y'.repeat(10_000);
    for (let i = 0; i < 200; i += 1) {
      server.pubsub.publish({
        kind: 'mutation',
        mutation: 'createMessage',
        payload: { id: randomUUID(), messageGroupUuid: group, body },
      });
      if (i % 10 === 0) await sleep(5);
    }
    // The slow socket's 20 subscriptions are released server-side; the reader got all 200 events.
    const deadline = Date.now() + 10_000;
    while (server.server.registry.size > registered - 20 && Date.now() < deadline) await sleep(20);
    expect(server.server.registry.size).toBe(registered - 20);
    await listener.waitFor(200, 10_000);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await slow.closed;
    expect(closed.code).toBe(1013);
    expect(closed.reason).toMatch(/Slow consumer/);
    await reader.dispose();
  });
});

describe('per-user bounds', () => {
  let limited: TestServer;
  let u: TestUser;
  beforeAll(async () => {
    // Metrics on: a refused upgrade must be counted, since nothing else records it.
    limited = await startTestServer(
      { METRICS_PORT: '0' },
      { ws: { maxSubscriptionsPerUser: 5, maxConnectionsPerUser: 2, maxPendingPerAddress: 3 } },
    );
    u = await limited.createUser('wsb_u');
  });
  afterAll(async () => {
    await limited?.stop();
  });

  const subscribe = (socket: Awaited<ReturnType<typeof rawSocket>>, id: string) =>
    socket.send({ id, type: 'subscribe', payload: { query: 'subscription { onInboxMessage { id } }' } });

  it('caps subscriptions per user across sockets, and releases them when completed or closed', async () => {
    const one = await rawSocket(limited.url, u.token);
    const two = await rawSocket(limited.url, u.token);
    for (const id of ['1', '2', '3']) subscribe(one, id);
    for (const id of ['4', '5']) subscribe(two, id);
    await sleep(300);
    subscribe(two, '6');
    const refused = await two.waitFor((m) => m.id === '6' && m.type === 'error');
    expect(refused.payload[0].extensions.errorType).toBe('LimitExceeded');
    expect(refused.payload[0].message).toMatch(/at most 5/);
    one.send({ id: '1', type: 'complete' });
    await sleep(100);
    subscribe(two, '7');
    await sleep(300);
    expect(two.messages.some((m) => m.id === '7' && m.type === 'error')).toBe(false);
    // Closing a socket releases its two remaining subscriptions: two more fit, not three.
    one.ws.close();
    await one.closed;
    await sleep(100);
    for (const id of ['8', '9', '10']) subscribe(two, id);
    await sleep(300);
    expect(two.messages.filter((m) => m.type === 'error').map((m) => m.id)).toEqual(['6', '10']);
    two.ws.close();
    await two.closed;
  });

  it('caps authenticated connections per user with 4429; a closed one frees its place', async () => {
    const first = await rawSocket(limited.url, u.token);
    const second = await rawSocket(limited.url, u.token);
    const third = await rawSocket(limited.url);
    third.send({ type: 'connection_init', payload: { Authorization: u.token } });
    const closed = await third.closed;
    expect(closed.code).toBe(4429);
    expect(closed.reason).toMatch(/at most 2/);
    first.ws.close();
    await first.closed;
    await sleep(100);
    const again = await rawSocket(limited.url, u.token);
    expect(again.messages.some((m) => m.type === 'connection_ack')).toBe(true);
    again.ws.close();
    second.ws.close();
    await Promise.all([again.closed, second.closed]);
  });

  it('refuses upgrades past the pending (unauthenticated) sockets per address, counts them, and admits again once one is acknowledged', async () => {
    const refusals = async () => {
      const text = await (await fetch(limited.metrics!.url)).text();
      const line = /^cruddur_refused_total\{reason="connections",transport="ws"\} (\d+)$/m.exec(text);
      return Number(line?.[1] ?? 0);
    };
    const before = await refusals();
    const pending = await Promise.all([rawSocket(limited.url), rawSocket(limited.url), rawSocket(limited.url)]);
    await expect(rawSocket(limited.url)).rejects.toThrow(/503/);
    await expect(rawSocket(limited.url)).rejects.toThrow(/503/);
    expect(await refusals()).toBe(before + 2);
    pending[0]!.send({ type: 'connection_init', payload: { Authorization: u.token } });
    await pending[0]!.waitFor((m) => m.type === 'connection_ack');
    const admitted = await rawSocket(limited.url);
    admitted.ws.close();
    for (const socket of pending) socket.ws.close();
    await Promise.all([admitted.closed, ...pending.map((p) => p.closed)]);
  });
});

describe('documents the old server mishandled', () => {
  it('delivers to a subscription whose root field sits in a fragment', async () => {
    const conn = connect(server.url, a.token);
    const listener = conn.listen(
      `subscription On($g: ID!) { ...Live } fragment Live on Subscription { onMessage(messageGroupUuid: $g) { id body } }`,
      { g: group },
    );
    await sleep(300);
    await send(server, b, { messageGroupUuid: group, body: 'through a fragment' });
    const [event] = await listener.waitFor(1);
    expect(event.data.onMessage.body).toBe('through a fragment');
    await conn.dispose();
  });

  it('applies a variable default when no variables are sent', async () => {
    const conn = connect(server.url, a.token);
    const listener = conn.listen(
      `subscription On($g: ID! = "${group}") { onMessage(messageGroupUuid: $g) { id body } }`,
    );
    await sleep(300);
    await send(server, b, { messageGroupUuid: group, body: 'by default' });
    const [event] = await listener.waitFor(1);
    expect(event.data.onMessage.body).toBe('by default');
    await conn.dispose();
  });

  it('a retried createMessage (same clientMessageId) publishes nothing new, even when 10 retries race', async () => {
    const conn = connect(server.url, b.token);
    const listener = conn.listen(ON_MESSAGE, { g: group });
    await sleep(300);
    const input = { messageGroupUuid: group, body: 'once only', clientMessageId: randomUUID() };
    const first = await send(server, a, input);
    const retries = await Promise.all(Array.from({ length: 10 }, () => send(server, a, input)));
    expect(retries.every((r) => r.id === first.id)).toBe(true);
    await listener.waitFor(1);
    await sleep(500);
    expect(listener.events.map((e) => e.data.onMessage.id)).toEqual([first.id]);
    await conn.dispose();
  });
});

describe('subscribe rate', () => {
  it('lets a user start as many subscriptions at once as they may hold, then refuses churn past the rate with ThrottlingException', async () => {
    const slow = await startTestServer({ RATE_LIMIT_USER_PER_SECOND: '0.2' }, { ws: { maxSubscriptionsPerUser: 4 } });
    try {
      const user = await slow.createUser('wsb_rate');
      const socket = await rawSocket(slow.url, user.token);
      // subscribe + complete, five times: four tokens (the burst), then the fifth is refused.
      for (let i = 1; i <= 5; i += 1) {
        socket.send({ id: `c${i}`, type: 'subscribe', payload: { query: 'subscription { onInboxMessage { id } }' } });
        await sleep(150);
        socket.send({ id: `c${i}`, type: 'complete' });
      }
      const refused = await socket.waitFor((m) => m.id === 'c5' && m.type === 'error');
      expect(refused.payload[0].extensions.errorType).toBe('ThrottlingException');
      expect(refused.payload[0].message).toMatch(/retry in \d+ s/);
      expect(socket.messages.filter((m) => m.type === 'error').map((m) => m.id)).toEqual(['c5']);
      socket.ws.close();
      await socket.closed;
    } finally {
      await slow.stop();
    }
  });
});
