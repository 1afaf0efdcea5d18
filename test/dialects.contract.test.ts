// One subscription contract, both wire dialects (graphql-transport-ws at /graphql, AppSync real-time at
// /graphql/realtime), over real sockets against a real server: what a subscriber gets must not depend on the dialect.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startTestServer, type TestServer, type TestUser } from './helpers.ts';
import { rawSocket, sleep, until, wsUrl } from './ws-helpers.ts';

let server: TestServer;
let a: TestUser;
let b: TestUser;
let c: TestUser;
let group: string;

beforeAll(async () => {
  server = await startTestServer({}, { ws: { maxSubscriptionsPerConnection: 3, keepAliveMs: 300 } });
  [a, b, c] = await Promise.all([server.createUser('dia_a'), server.createUser('dia_b'), server.createUser('dia_c')]);
  group = (await send(server, a, { handle: b.handle, body: 'hello' })).messageGroupUuid;
});
afterAll(async () => {
  await server?.stop();
});

/** A socket of either dialect, seen through the same few verbs. */
interface DialectSocket {
  readonly messages: any[];
  readonly closed: Promise<{ code: number; reason: string }>;
  subscribe(id: string, query: string, variables?: Record<string, unknown>): void;
  stop(id: string): void;
  /** Resolves with the data of the next event for `id` (after `after` events), or rejects after `ms`. */
  events(id: string): any[];
  errorsOf(id: string): Promise<any[]>;
  close(): void;
}

/** A bare AppSync real-time socket: auth in the handshake (`header` query parameter or `header-` subprotocol). */
export async function appsyncSocket(
  httpUrl: string,
  token: string | null,
  form: 'query' | 'subprotocol' = 'subprotocol',
): Promise<{ ws: WebSocket; messages: any[]; closed: Promise<{ code: number; reason: string }> }> {
  const host = new URL(httpUrl).host;
  const header = { host, ...(token === null ? {} : { Authorization: token }) };
  const base = `${wsUrl(httpUrl)}/realtime`;
  const ws =
    form === 'query'
      ? new WebSocket(
          `${base}?header=${Buffer.from(JSON.stringify(header)).toString('base64')}&payload=e30=`,
          'graphql-ws',
        )
      : new WebSocket(base, ['graphql-ws', `header-${Buffer.from(JSON.stringify(header)).toString('base64url')}`]);
  const messages: any[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('message', (data) => void messages.push(JSON.parse(data.toString())));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, messages, closed };
}

const dialects: [string, (token: string) => Promise<DialectSocket>][] = [
  [
    'graphql-transport-ws',
    async (token) => {
      const s = await rawSocket(server.url, token);
      return {
        messages: s.messages,
        closed: s.closed,
        subscribe: (id, query, variables) => s.send({ id, type: 'subscribe', payload: { query, variables } }),
        stop: (id) => s.send({ id, type: 'complete' }),
        events: (id) => s.messages.filter((m) => m.id === id && m.type === 'next').map((m) => m.payload),
        async errorsOf(id) {
          return (await s.waitFor((m) => m.id === id && m.type === 'error')).payload;
        },
        close: () => s.ws.close(),
      };
    },
  ],
  [
    'appsync-realtime',
    async (token) => {
      const s = await appsyncSocket(server.url, token);
      s.ws.send(JSON.stringify({ type: 'connection_init' }));
      await until(() => s.messages.some((m) => m.type === 'connection_ack'), 5_000, 'connection_ack');
      return {
        messages: s.messages,
        closed: s.closed,
        subscribe: (id, query, variables) =>
          s.ws.send(
            JSON.stringify({
              id,
              type: 'start',
              payload: {
                data: JSON.stringify({ query, variables }),
                extensions: { authorization: { Authorization: token, host: new URL(server.url).host } },
              },
            }),
          ),
        stop: (id) => s.ws.send(JSON.stringify({ id, type: 'stop' })),
        events: (id) => s.messages.filter((m) => m.id === id && m.type === 'data').map((m) => m.payload),
        async errorsOf(id) {
          await until(() => s.messages.some((m) => m.id === id && m.type === 'error'), 5_000, `error for ${id}`);
          return s.messages.find((m) => m.id === id && m.type === 'error').payload.errors;
        },
        close: () => s.ws.close(),
      };
    },
  ],
];

const ON_MESSAGE = `subscription On($g: ID!) { onMessage(messageGroupUuid: $g) { id body sender { handle } } }`;

describe.each(dialects)('%s', (_name, open) => {
  it('delivers a message created over HTTP to a member, with the fields it selected', async () => {
    const socket = await open(a.token);
    socket.subscribe('1', ON_MESSAGE, { g: group });
    await sleep(400);
    const body = `live ${randomUUID()}`;
    await send(server, b, { messageGroupUuid: group, body });
    await until(() => socket.events('1').length === 1, 5_000, 'an event');
    expect(socket.events('1')[0]).toEqual({
      data: { onMessage: { id: expect.any(String), body, sender: { handle: b.handle } } },
    });
    socket.close();
  });

  it('refuses a non-member with Unauthorized and keeps the socket for other subscriptions', async () => {
    const socket = await open(c.token);
    socket.subscribe('x', ON_MESSAGE, { g: group });
    const errors = await socket.errorsOf('x');
    expect(errors[0].errorType).toBe('Unauthorized');
    socket.subscribe('inbox', 'subscription { onInboxMessage { id body } }');
    await sleep(400);
    const other = await server.createUser('dia_d');
    await send(server, other, { handle: c.handle, body: 'a new conversation for c' });
    await until(() => socket.events('inbox').length === 1, 5_000, 'the inbox event');
    expect(socket.events('inbox')[0].data.onInboxMessage.body).toBe('a new conversation for c');
    socket.close();
  });

  it('answers an invalid document with ValidationError and a query with BadRequest', async () => {
    const socket = await open(a.token);
    socket.subscribe('bad', 'subscription { onMessage(nope: 1) { id } }');
    expect((await socket.errorsOf('bad'))[0].errorType).toBe('ValidationError');
    socket.subscribe('q', '{ me { id } }');
    expect((await socket.errorsOf('q'))[0].errorType).toBe('BadRequest');
    socket.close();
  });

  it('refuses subscriptions past the per-connection bound with LimitExceeded', async () => {
    const socket = await open(a.token);
    for (const id of ['s1', 's2', 's3']) socket.subscribe(id, ON_MESSAGE, { g: group });
    await sleep(300);
    socket.subscribe('s4', ON_MESSAGE, { g: group });
    const errors = await socket.errorsOf('s4');
    expect(errors[0].errorType).toBe('LimitExceeded');
    expect(errors[0].message).toMatch(/at most 3/);
    socket.close();
  });

  it('stops delivering after the client stops a subscription', async () => {
    const socket = await open(a.token);
    socket.subscribe('1', ON_MESSAGE, { g: group });
    await sleep(300);
    socket.stop('1');
    await sleep(200);
    await send(server, b, { messageGroupUuid: group, body: 'after stop' });
    await sleep(400);
    expect(socket.events('1')).toEqual([]);
    socket.close();
  });
});

describe('AppSync real-time specifics', () => {
  it('takes auth from a header query parameter or a header- subprotocol and answers graphql-ws with connectionTimeoutMs', async () => {
    for (const form of ['query', 'subprotocol'] as const) {
      const s = await appsyncSocket(server.url, a.token, form);
      expect(s.ws.protocol).toBe('graphql-ws');
      s.ws.send(JSON.stringify({ type: 'connection_init' }));
      await until(() => s.messages.some((m) => m.type === 'connection_ack'), 5_000, 'ack');
      expect(s.messages.find((m) => m.type === 'connection_ack').payload).toEqual({ connectionTimeoutMs: 300_000 });
      s.ws.close();
    }
  });

  it('sends ka keep-alives', async () => {
    const s = await appsyncSocket(server.url, a.token);
    s.ws.send(JSON.stringify({ type: 'connection_init' }));
    await until(() => s.messages.filter((m) => m.type === 'ka').length >= 2, 3_000, 'two ka');
    s.ws.close();
  });

  it('answers a bad token with connection_error 401 and closes', async () => {
    const s = await appsyncSocket(server.url, 'not.a.token');
    s.ws.send(JSON.stringify({ type: 'connection_init' }));
    const closed = await s.closed;
    expect(closed.code).toBe(4401);
    const error = s.messages.find((m) => m.type === 'connection_error');
    expect(error.payload.errors[0]).toMatchObject({ errorType: 'UnauthorizedException', errorCode: 401 });
  });

  it('authorizes each start by its own token, as AppSync does, and acks a start sent before connection_init', async () => {
    const s = await appsyncSocket(server.url, a.token);
    const start = (id: string, token: string) =>
      s.ws.send(
        JSON.stringify({
          id,
          type: 'start',
          payload: {
            data: JSON.stringify({ query: ON_MESSAGE, variables: { g: group } }),
            extensions: { authorization: { Authorization: token } },
          },
        }),
      );
    const reply = async (id: string) => {
      await until(() => s.messages.some((m) => m.id === id), 5_000, `a reply to ${id}`);
      return s.messages.find((m) => m.id === id);
    };
    start('mine', a.token);
    expect((await reply('mine')).type).toBe('start_ack');
    start('member', b.token); // another member, on a's socket
    expect((await reply('member')).type).toBe('start_ack');
    start('outsider', c.token);
    expect((await reply('outsider')).payload.errors[0].errorType).toBe('Unauthorized');
    start('forged', 'not.a.token');
    expect((await reply('forged')).payload.errors[0].errorType).toBe('UnauthorizedException');
    s.ws.close();
  });

  it('answers an unknown message type with UnsupportedOperation and a stop of an unknown id with complete', async () => {
    const s = await appsyncSocket(server.url, a.token);
    s.ws.send(JSON.stringify({ type: 'connection_init' }));
    await until(() => s.messages.some((m) => m.type === 'connection_ack'), 5_000, 'ack');
    s.ws.send(JSON.stringify({ type: 'subscribe', id: '1' }));
    s.ws.send(JSON.stringify({ type: 'stop', id: 'never-started' }));
    await until(() => s.messages.some((m) => m.type === 'complete'), 5_000, 'complete');
    const error = s.messages.find((m) => m.type === 'error');
    expect(error.payload.errors[0]).toEqual({
      errorType: 'UnsupportedOperation',
      message: 'subscribe not supported through the realtime channel',
    });
    expect(s.messages.find((m) => m.type === 'complete')).toEqual({ id: 'never-started', type: 'complete' });
    s.ws.close();
  });
});
