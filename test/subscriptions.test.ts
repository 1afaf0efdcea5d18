// Live messages over real WebSockets with the graphql-ws client, against DynamoDB Local and Postgres.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_MESSAGE, send, startTestServer, type TestServer, type TestUser } from './helpers.ts';
import { connect, sleep, wsUrl, type Connection } from './ws-helpers.ts';

const ON_MESSAGE = `subscription On($g: ID!) { onMessage(messageGroupUuid: $g) { id messageGroupUuid body createdAt cursor sender { id handle } } }`;
const ON_INBOX = `subscription { onInboxMessage { id messageGroupUuid body memberIds } }`;

let server: TestServer;
const connections: Connection[] = [];
const open = (token: string | null, params?: Record<string, unknown>) => {
  const c = connect(server.url, token, params);
  connections.push(c);
  return c;
};

beforeAll(async () => {
  server = await startTestServer({}, { ws: { connectionInitWaitTimeoutMs: 500 } });
});
afterAll(async () => {
  await Promise.all(connections.map((c) => c.dispose()));
  await server?.stop();
});

async function pair(prefix: string): Promise<[TestUser, TestUser, string]> {
  const [a, b] = await Promise.all([server.createUser(`${prefix}1`), server.createUser(`${prefix}2`)]);
  const first = await send(server, a, { handle: b.handle, body: 'hello' });
  return [a, b, first.messageGroupUuid];
}

/** Waits until the server has registered `count` live subscriptions more than `before`. */
async function registered(before: number, count: number) {
  const deadline = Date.now() + 5_000;
  while (server.server.registry.size < before + count) {
    if (Date.now() > deadline) throw new Error('subscriptions were not registered');
    await sleep(10);
  }
}

describe('onMessage', () => {
  it('delivers a createMessage over HTTP to both members with the fields they selected; a third user is rejected without disturbing the socket', async () => {
    const [a, b, group] = await pair('live');
    const c = await server.createUser('live3');
    const before = server.server.registry.size;
    const la = open(a.token).listen(ON_MESSAGE, { g: group });
    const lb = open(b.token).listen(
      `subscription($g: ID!) { onMessage(messageGroupUuid: $g) { body sender { handle } } }`,
      { g: group },
    );
    const cConn = open(c.token);
    const [, , cGroup] = await (async () => {
      const d = await server.createUser('live4');
      const m = await send(server, c, { handle: d.handle, body: 'c and d' });
      return [c, d, m.messageGroupUuid] as const;
    })();
    const denied = cConn.listen(ON_MESSAGE, { g: group });
    const cOwn = cConn.listen(ON_MESSAGE, { g: cGroup });
    expect(await denied.waitError()).toMatchObject([
      { errorType: 'Unauthorized', message: expect.stringMatching(/Not Authorized/) },
    ]);
    await registered(before, 3);

    const sent = await send(server, a, { messageGroupUuid: group, body: 'live one' });
    const [ea] = await la.waitFor(1);
    const [eb] = await lb.waitFor(1);
    expect(ea).toEqual({
      data: {
        onMessage: {
          id: sent.id,
          messageGroupUuid: group,
          body: 'live one',
          createdAt: sent.createdAt,
          cursor: expect.any(String),
          sender: { id: a.uuid, handle: a.handle },
        },
      },
    });
    expect(eb).toEqual({ data: { onMessage: { body: 'live one', sender: { handle: a.handle } } } });

    // the third user's own subscription on the same socket still works, and saw nothing of a and b
    await send(server, c, { messageGroupUuid: cGroup, body: 'c again' });
    const [ec] = await cOwn.waitFor(1);
    expect(ec.data.onMessage.body).toBe('c again');
    expect(cOwn.events).toHaveLength(1);
    expect(la.events).toHaveLength(1);
  });

  it('returns null for a field the mutation did not select, as AppSync does', async () => {
    const [a, , group] = await pair('shape');
    const before = server.server.registry.size;
    const l = open(a.token).listen(
      `subscription($g: ID!) { onMessage(messageGroupUuid: $g) { id body clientMessageId } }`,
      { g: group },
    );
    await registered(before, 1);
    const res = await server.gql(
      a.token,
      `mutation($i: CreateMessageInput!) { createMessage(input: $i) { id messageGroupUuid body } }`,
      {
        i: { messageGroupUuid: group, body: 'shaped', clientMessageId: 'shape-1' },
      },
    );
    expect(res.errors).toBeUndefined();
    const [event] = await l.waitFor(1);
    expect(event).toEqual({
      data: { onMessage: { id: res.data.createMessage.id, body: 'shaped', clientMessageId: null } },
    });
  });

  it('documents that differ only in made-up aliases each get their own shape, and a conflict their aliases make is refused', async () => {
    const [a, , group] = await pair('alias');
    const conn = open(a.token);
    const doc = (root: string, fields: string) =>
      `subscription($g: ID!) { ${root}: onMessage(messageGroupUuid: $g) { ${fields} } }`;
    const before = server.server.registry.size;
    const first = conn.listen(doc('n1a2b3c4', 'x: id body'), { g: group });
    const second = conn.listen(doc('n9f8e7d6', 'y: id body'), { g: group });
    await registered(before, 2);
    // Validated as the first one was, but a conflict only its aliases make is still found.
    const conflict = `Fields "body" conflict because "id" and "body" are different fields. Use different aliases on the fields to fetch both if this was intentional.`;
    expect(await conn.listen(doc('n0000000', 'body: id body'), { g: group }).waitError()).toMatchObject([
      { errorType: 'ValidationError', message: conflict },
    ]);
    expect(await conn.listen(doc('m0000000', 'z: id z: body'), { g: group }).waitError()).toMatchObject([
      { errorType: 'ValidationError', message: expect.stringMatching(/^Fields "z" conflict/) },
    ]);
    const sent = await send(server, a, { messageGroupUuid: group, body: 'aliased' });
    expect(await first.waitFor(1)).toEqual([{ data: { n1a2b3c4: { x: sent.id, body: 'aliased' } } }]);
    expect(await second.waitFor(1)).toEqual([{ data: { n9f8e7d6: { y: sent.id, body: 'aliased' } } }]);
  });
});

describe('onInboxMessage', () => {
  it('delivers messages of a conversation created after subscribing, and nothing of other people', async () => {
    const [me, friend, stranger] = await Promise.all([
      server.createUser('inbox'),
      server.createUser('friend'),
      server.createUser('stranger'),
    ]);
    const before = server.server.registry.size;
    const l = open(me.token).listen(ON_INBOX);
    await registered(before, 1);
    const other = await server.createUser('other');
    await send(server, stranger, { handle: other.handle, body: 'not for me' });
    const m = await send(server, friend, { handle: me.handle, body: 'new conversation' });
    const [event] = await l.waitFor(1);
    expect(event.data.onInboxMessage).toEqual({
      id: m.id,
      messageGroupUuid: m.messageGroupUuid,
      body: 'new conversation',
      memberIds: [me.uuid, friend.uuid].sort(),
    });
    await sleep(100);
    expect(l.events).toHaveLength(1);
  });
});

describe('catch-up and expiry', () => {
  it('a client that reconnects and asks for what came after its last message holds every message once, in order', async () => {
    const [a, b, group] = await pair('catch');
    let conn = open(b.token);
    const before = server.server.registry.size;
    const first = conn.listen(ON_MESSAGE, { g: group });
    await registered(before, 1);
    await send(server, a, { messageGroupUuid: group, body: 'seen 1' });
    const [seen] = await first.waitFor(1);
    const held = [seen.data.onMessage];
    await conn.dispose();

    for (let i = 1; i <= 5; i += 1) await send(server, a, { messageGroupUuid: group, body: `missed ${i}` });

    conn = open(b.token);
    const again = conn.listen(ON_MESSAGE, { g: group });
    await registered(before, 1);
    const catchUp = await server.gql(
      b.token,
      `query($g: ID!, $after: String) { messages(messageGroupUuid: $g, after: $after, limit: 100) { items { id body cursor } nextToken } }`,
      {
        g: group,
        after: held[held.length - 1].cursor,
      },
    );
    expect(catchUp.errors).toBeUndefined();
    held.push(...catchUp.data.messages.items);
    await send(server, a, { messageGroupUuid: group, body: 'live again' });
    const [live] = await again.waitFor(1);
    for (const m of [live.data.onMessage]) if (!held.some((h) => h.id === m.id)) held.push(m);
    expect(held.map((m) => m.body)).toEqual([
      'seen 1',
      'missed 1',
      'missed 2',
      'missed 3',
      'missed 4',
      'missed 5',
      'live again',
    ]);
    expect(new Set(held.map((m) => m.id)).size).toBe(7);
  });

  it('rejects a malformed after cursor', async () => {
    const [a, , group] = await pair('cursor');
    const res = await server.gql(
      a.token,
      `query($g: ID!) { messages(messageGroupUuid: $g, after: "yesterday") { items { id } } }`,
      { g: group },
    );
    expect(res.errors?.[0]).toMatchObject({ errorType: 'BadRequest', message: expect.stringMatching(/cursor/) });
  });

  it('closes a socket with 4403 within a second of its token expiring, and delivers nothing after', async () => {
    const [a, b, group] = await pair('expiry');
    const shortLived = server.tokenFor(b.handle, 2);
    const expiresAt = JSON.parse(Buffer.from(shortLived.split('.')[1]!, 'base64url').toString()).exp * 1000;
    const conn = open(shortLived);
    const before = server.server.registry.size;
    const l = conn.listen(ON_MESSAGE, { g: group });
    await registered(before, 1);
    const closed = await conn.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(/expired/);
    expect(closed.at - expiresAt).toBeLessThan(1000);
    await send(server, a, { messageGroupUuid: group, body: 'after expiry' });
    await sleep(200);
    expect(l.events).toHaveLength(0);
  });
});

describe('bad input', () => {
  it.each([
    ['no token', () => open(null)],
    ['a forged token', () => open('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl')],
    ['an expired token', () => open(server.tokenFor('whoever', -10))],
  ])('closes the socket with 4403 for %s', async (_name, make) => {
    const conn = make();
    const l = conn.listen(ON_INBOX);
    const closed = await conn.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(/Forbidden/);
    expect(l.events).toHaveLength(0);
  });

  it('answers an invalid document and an unknown field with errors, and queries over the socket with a pointer to HTTP', async () => {
    const user = await server.createUser('badsub');
    const conn = open(user.token);
    expect(await conn.listen('subscription {').waitError()).toMatchObject([
      { errorType: 'ValidationError', message: expect.stringMatching(/Syntax Error/) },
    ]);
    expect(await conn.listen('subscription { onInboxMessage { secret } }').waitError()).toMatchObject([
      { errorType: 'ValidationError', message: expect.stringMatching(/secret/) },
    ]);
    expect(await conn.listen('{ me { id } }').waitError()).toMatchObject([
      { errorType: 'BadRequest', message: expect.stringMatching(/HTTP/) },
    ]);
  });

  it('accepts 100 subscriptions on one socket and refuses the 101st', async () => {
    const user = await server.createUser('many');
    const conn = open(user.token);
    const before = server.server.registry.size;
    const listeners = Array.from({ length: 100 }, () => conn.listen(ON_INBOX));
    await registered(before, 100);
    const extra = conn.listen(ON_INBOX);
    expect(await extra.waitError()).toMatchObject([
      { errorType: 'LimitExceeded', message: expect.stringMatching(/at most 100/) },
    ]);
    const friend = await server.createUser('manyfriend');
    await send(server, friend, { handle: user.handle, body: 'to all 100' });
    await Promise.all(listeners.map((l) => l.waitFor(1)));
  });

  it('closes a client that never sends connection_init after the init timeout', async () => {
    const socket = new WebSocket(wsUrl(server.url), 'graphql-transport-ws');
    const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    expect(closed).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
  });

  it('survives a flood of 1,000 subscribe messages and keeps serving HTTP', async () => {
    const user = await server.createUser('flood');
    const socket = new WebSocket(wsUrl(server.url), 'graphql-transport-ws');
    const replies: any[] = [];
    socket.on('message', (data) => replies.push(JSON.parse(String(data))));
    await new Promise((r) => socket.once('open', r));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: user.token } }));
    await new Promise((r) => socket.once('message', r));
    const started = Date.now();
    for (let i = 0; i < 1000; i += 1)
      socket.send(JSON.stringify({ id: `f${i}`, type: 'subscribe', payload: { query: ON_INBOX } }));
    const res = await server.gql(user.token, '{ me { handle } }');
    expect(res.data.me.handle).toBe(user.handle);
    expect(Date.now() - started).toBeLessThan(10_000);
    const deadline = Date.now() + 10_000;
    while (replies.filter((r) => r.type === 'error').length < 900 && Date.now() < deadline) await sleep(20);
    const refused = replies.filter((r) => r.type === 'error');
    expect(refused).toHaveLength(900);
    expect(refused[0].payload[0].errorType).toBe('LimitExceeded');
    socket.close();
  });

  it('a subscriber of another pair never receives their messages', async () => {
    const [a, , group] = await pair('private');
    const outsider = await server.createUser('outsider');
    const l = open(outsider.token).listen(ON_MESSAGE, { g: group });
    expect(await l.waitError()).toMatchObject([{ errorType: 'Unauthorized' }]);
    await send(server, a, { messageGroupUuid: group, body: 'secret' });
    await sleep(100);
    expect(l.events).toHaveLength(0);
  });
});

it('createMessage through the HTTP test client still works while sockets are open', async () => {
  const [a, , group] = await pair('mixed');
  const res = await server.gql(a.token, CREATE_MESSAGE, { input: { messageGroupUuid: group, body: 'ok' } });
  expect(res.errors).toBeUndefined();
});

it('shapes and serialises an event once for all subscribers sharing a document and variables', async () => {
  const [a, b, group] = await pair('fan');
  const before = server.server.registry.size;
  const listeners = [
    ...Array.from({ length: 10 }, () => open(a.token)),
    ...Array.from({ length: 10 }, () => open(b.token)),
  ].map((c) => c.listen(ON_MESSAGE, { g: group }));
  await registered(before, 20);
  const rendersBefore = server.server.registry.renders;
  await send(server, a, { messageGroupUuid: group, body: 'to twenty' });
  const events = await Promise.all(listeners.map((l) => l.waitFor(1)));
  expect(new Set(events.map((e) => JSON.stringify(e))).size).toBe(1);
  expect(server.server.registry.renders - rendersBefore).toBe(1);
});

it('pings every keep-alive interval and drops a client that stops answering', async () => {
  const quick = await startTestServer({}, { ws: { keepAliveMs: 150 } });
  try {
    const user = await quick.createUser('ping');
    const socket = new WebSocket(wsUrl(quick.url), 'graphql-transport-ws', { autoPong: false });
    const received: string[] = [];
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('message', (data) => received.push(JSON.parse(String(data)).type));
    await new Promise((r) => socket.once('open', r));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: user.token } }));
    // Answer the first two pings, then go silent.
    let answered = 0;
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'ping' && answered < 2) {
        answered += 1;
        socket.send(JSON.stringify({ type: 'pong' }));
      }
    });
    const code = await closed;
    expect(received.filter((t) => t === 'ping').length).toBeGreaterThanOrEqual(3);
    expect(code).toBe(1006); // terminated: no close frame for a peer that stopped answering
  } finally {
    await quick.stop();
  }
});
