// The subscription engine on a fixture API (test/fixtures/live): argument filters, each enhanced-filter operator,
// OR of groups, invalidation, and graceful shutdown, over real WebSockets.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestUser } from './helpers.ts';
import { connect, sleep, type Connection } from './ws-helpers.ts';

const FIXTURE = path.resolve(import.meta.dirname, 'fixtures/live');
const EVENT = 'kind room tags score note';
let server: TestServer;
let user: TestUser;
let conn: Connection;

beforeAll(async () => {
  server = await startTestServer(
    {},
    { api: { schemaPath: path.join(FIXTURE, 'schema.graphql'), resolversDir: path.join(FIXTURE, 'resolvers') } },
  );
  user = await server.createUser('filters');
  conn = connect(server.url, user.token);
});
afterAll(async () => {
  await conn?.dispose();
  await server?.stop();
});

const EVENTS = [
  { kind: 'alpha', room: 'r1', tags: ['red'], score: 5 },
  { kind: 'alphabet', room: 'r2', tags: ['green'], score: 20 },
  { kind: 'beta', room: 'r3', tags: ['blue', 'green'], score: 11 },
  { kind: 'beta', room: 'r9', tags: [], score: 1 },
  { kind: 'gamma', room: 'r1', tags: ['yellow'], score: 50 },
];

async function publishAll() {
  for (const e of EVENTS) {
    const res = await server.gql(
      user.token,
      `mutation($k: String!, $r: String!, $t: [String!]!, $s: Int!) { publish(kind: $k, room: $r, tags: $t, score: $s) { ${EVENT} } }`,
      {
        k: e.kind,
        r: e.room,
        t: e.tags,
        s: e.score,
      },
    );
    expect(res.errors).toBeUndefined();
  }
}

async function ready(count: number) {
  const deadline = Date.now() + 5_000;
  while (server.server.registry.size !== count && Date.now() < deadline) await sleep(10);
  expect(server.server.registry.size).toBe(count);
}

describe('filters', () => {
  it('deliver exactly the matching events for argument filters and each enhanced operator', async () => {
    const sub = (query: string) => conn.listen(query);
    const byKind = sub(`subscription { onEvent(kind: "beta") { kind room } }`);
    const byKindAndRoom = sub(`subscription { onEvent(kind: "alpha", room: "r1") { kind room } }`);
    const unfiltered = sub(`subscription { onEvent { kind } }`);
    const modes = ['eq', 'in', 'beginsWith', 'containsAny', 'or'] as const;
    const enhanced = Object.fromEntries(
      modes.map((mode) => [mode, sub(`subscription { onFiltered(mode: "${mode}") { kind room } }`)]),
    );
    await ready(3 + modes.length);
    await publishAll();
    await unfiltered.waitFor(5);
    await sleep(100);
    const rooms = (l: { events: any[] }, field = 'onFiltered') =>
      l.events.map((e) => `${e.data[field].kind}@${e.data[field].room}`);
    expect(rooms(byKind, 'onEvent')).toEqual(['beta@r3', 'beta@r9']);
    expect(rooms(byKindAndRoom, 'onEvent')).toEqual(['alpha@r1']);
    expect(unfiltered.events).toHaveLength(5);
    expect(rooms(enhanced.eq!)).toEqual(['alpha@r1']);
    expect(rooms(enhanced.in!)).toEqual(['alpha@r1', 'alphabet@r2', 'gamma@r1']);
    expect(rooms(enhanced.beginsWith!)).toEqual(['alpha@r1', 'alphabet@r2']);
    expect(rooms(enhanced.containsAny!)).toEqual(['alpha@r1', 'beta@r3']);
    expect(rooms(enhanced.or!)).toEqual(['beta@r3', 'beta@r9']);
    for (const l of [byKind, byKindAndRoom, unfiltered, ...Object.values(enhanced)]) l.stop();
    await ready(0);
  });

  it('rejects a subscription whose resolver sets an invalid filter, or denies it', async () => {
    expect(await conn.listen(`subscription { onFiltered(mode: "invalid") { kind } }`).waitError()).toMatchObject([
      { errorType: 'MappingTemplate', message: expect.stringMatching(/unknown filter operator 'like'/) },
    ]);
    expect(await conn.listen(`subscription { onFiltered(mode: "deny") { kind } }`).waitError()).toMatchObject([
      { errorType: 'Unauthorized' },
    ]);
  });
});

describe('invalidation', () => {
  it('closes exactly the subscriptions whose invalidation filter matches', async () => {
    const kitchen1 = conn.listen(`subscription { onRoom(room: "kitchen") { kind } }`);
    const kitchen2 = connect(server.url, user.token).listen(`subscription { onRoom(room: "kitchen") { kind } }`);
    const garden = conn.listen(`subscription { onRoom(room: "garden") { kind } }`);
    await ready(3);
    const res = await server.gql(user.token, `mutation { kick(room: "kitchen") }`);
    expect(res.data.kick).toBe(true);
    await kitchen1.waitComplete();
    await kitchen2.waitComplete();
    await sleep(100);
    expect(garden.completed).toBe(false);
    expect(server.server.registry.size).toBe(1);
    garden.stop();
    await ready(0);
  });
});

it('graceful shutdown completes every subscription and closes sockets with 1001', async () => {
  const other = await startTestServer(
    {},
    { api: { schemaPath: path.join(FIXTURE, 'schema.graphql'), resolversDir: path.join(FIXTURE, 'resolvers') } },
  );
  const u = await other.createUser('shutdown');
  const c = connect(other.url, u.token);
  const l = c.listen(`subscription { onEvent { kind } }`);
  const deadline = Date.now() + 5_000;
  while (other.server.registry.size < 1 && Date.now() < deadline) await sleep(10);
  await other.stop();
  const closed = await c.closed;
  expect(closed.code).toBe(1001);
  expect(l.completed || l.error !== undefined).toBe(true);
  await c.dispose();
});

it('an event over 240 KB reaches the subscriber as an error (and is logged), and the subscription goes on', async () => {
  const warnings: string[] = [];
  const logger = {
    error: () => undefined,
    info: () => undefined,
    warn: (...args: unknown[]) => void warnings.push(args.join(' ')),
  };
  const big = await startTestServer(
    {},
    {
      logger,
      api: { schemaPath: path.join(FIXTURE, 'schema.graphql'), resolversDir: path.join(FIXTURE, 'resolvers') },
    },
  );
  const u = await big.createUser('big');
  const c = connect(big.url, u.token);
  const l = c.listen(`subscription { onEvent { kind note } }`);
  const deadline = Date.now() + 5_000;
  while (big.server.registry.size < 1 && Date.now() < deadline) await sleep(10);
  const publish = (kind: string, note: string) =>
    big.gql(
      u.token,
      `mutation($k: String!, $n: String) { publish(kind: $k, room: "r", tags: [], score: 1, note: $n) { kind note } }`,
      { k: kind, n: note },
    );
  await publish('huge', 'x'.repeat(250 * 1024));
  await publish('small', 'fine');
  const [tooBig, fine] = await l.waitFor(2);
  expect(tooBig).toMatchObject({
    data: { onEvent: null },
    errors: [{ errorType: 'PayloadTooLarge', message: expect.stringMatching(/over the 245760-byte limit/) }],
  });
  expect(fine).toEqual({ data: { onEvent: { kind: 'small', note: 'fine' } } });
  expect(warnings.some((w) => /over the 245760-byte limit/.test(w))).toBe(true);
  await c.dispose();
  await big.stop();
});
