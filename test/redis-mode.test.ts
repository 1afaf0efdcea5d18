// PUBSUB=redis with four real server processes on one DynamoDB Local table and a private redis-server: messages
// written through random instances reach subscribers on every instance once each and in order; the stream lease
// holder is SIGKILLed mid-run and messages written around the API (only the table's stream brings them) still all
// arrive; Redis itself is killed and restarted mid-run and delivery resumes with nothing lost. Skipped saying why
// without redis-server; CI=true fails instead.
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { messageSk, messagesPk } from '../resolvers/lib/keys.ts';
import { createLocalIssuer, localSubForHandle } from '../src/auth/local-issuer.ts';
import { createTable } from '../src/data/table.ts';
import { upsertUser } from '../src/data/users.ts';
import { createDynamoDbClient } from '../src/datasources/dynamodb/client.ts';
import { freePort } from '../src/embedded/dynamodb-local.ts';
import { killServerProcesses, startServerProcess, type ServerProcess } from './server-process.ts';
import { STREAM_LEASE_KEY } from '../src/subscriptions/leased-stream-reader.ts';
import { CREATE_MESSAGE, post, uniqueSuffix } from './helpers.ts';
import { privateRedisSkipReason, startPrivateRedis, type PrivateRedis } from './redis.ts';
import { connect, type Connection, type Listener } from './ws-helpers.ts';

const skip = privateRedisSkipReason();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-redis-'));
const table = `redis-${uniqueSuffix()}`;
const LEASE_MS = 1_500;
const connections: Connection[] = [];

type Instance = ServerProcess;

let redis: PrivateRedis | undefined;
let instances: Instance[] = [];
const ddb = createDynamoDbClient({ endpoint: inject('dynamodbEndpoint'), region: 'us-east-1' });
const issuer = createLocalIssuer(dataDir);
const tokenFor = (handle: string) => issuer.sign({ sub: localSubForHandle(handle), username: handle });

async function startInstance(): Promise<Instance> {
  const env = {
    PORT: String(await freePort()),
    DATA_DIR: dataDir,
    DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    DATABASE_URL: inject('databaseUrl'),
    DYNAMODB_TABLE: table,
    PUBSUB: 'redis',
    REDIS_URL: redis!.url,
    STREAM_POLL_INTERVAL_MS: '100',
    STREAM_LEASE_MS: String(LEASE_MS),
    SEED: 'false',
  };
  return startServerProcess(env);
}

async function users() {
  const pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 1 });
  const made = [];
  for (const prefix of ['redisA', 'redisB']) {
    const handle = `${prefix}_${uniqueSuffix()}`;
    const row = await upsertUser(pool, { handle, displayName: prefix, cognitoUserId: localSubForHandle(handle) });
    made.push({ uuid: row.uuid, handle, token: tokenFor(handle) });
  }
  await pool.end();
  return made as [(typeof made)[0], (typeof made)[0]];
}

async function write(url: string, token: string, input: Record<string, unknown>) {
  const res = await post(url, token, CREATE_MESSAGE, { input });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.createMessage as { id: string; messageGroupUuid: string };
}

/** A message written straight into the table, as a script or another service would: only the stream brings it. */
async function writeAroundTheApi(
  group: string,
  sender: { uuid: string; handle: string },
  members: string[],
  body: string,
) {
  const id = randomUUID();
  const createdAt = new Date().toISOString();
  const item = {
    pk: messagesPk(group),
    sk: messageSk(createdAt, id),
    message_uuid: id,
    user_uuid: sender.uuid,
    user_handle: sender.handle,
    user_display_name: sender.handle,
    message: body,
    created_at: createdAt,
    member_uuids: members,
  };
  await ddb.send(new PutItemCommand({ TableName: table, Item: marshall(item) }));
  return id;
}

/** Polls an instance's /health/ready (bounded) until its status is `status`; returns the last report. */
async function readyUntil(instance: Instance, status: number, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const res = await fetch(new URL('/health/ready', instance.url));
    const body = (await res.json()) as { checks: Record<string, { status: string; reason?: string }> };
    if (res.status === status || Date.now() > deadline) return { status: res.status, body };
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ON = `subscription($g: ID!) { onMessage(messageGroupUuid: $g) { id body } }`;

/** A conversation and a subscriber to it on each live instance (members alternate). */
async function conversation() {
  const [ua, ub] = await users();
  const group = (await write(instances[0]!.url, ua.token, { handle: ub.handle, body: 'start' })).messageGroupUuid;
  await new Promise((r) => setTimeout(r, 500)); // 'start' has gone through before anyone subscribes
  const listeners: Listener[] = instances.map((instance, i) => {
    const c = connect(instance.url, i % 2 ? ub.token : ua.token);
    connections.push(c);
    return c.listen(ON, { g: group });
  });
  await new Promise((r) => setTimeout(r, 700)); // subscriptions registered (no start_ack in the protocol)
  return { ua, ub, group, listeners };
}

/** Small deterministic generator: the "random" instance order is the same on every run. */
function sequence(seed: number) {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

async function expectExactly(listeners: Listener[], bodies: string[], ms = 30_000) {
  for (const l of listeners) await l.waitFor(bodies.length, ms);
  await new Promise((r) => setTimeout(r, 500)); // any duplicate (the other path) would have arrived by now
  for (const l of listeners) {
    expect(l.events.map((e) => e.data.onMessage.body)).toEqual(bodies);
    expect(new Set(l.events.map((e) => e.data.onMessage.id)).size).toBe(bodies.length);
  }
}

describe.skipIf(skip !== null)(`PUBSUB=redis across four instances${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    redis = await startPrivateRedis();
    await createTable(ddb, table);
    instances = await Promise.all([startInstance(), startInstance(), startInstance(), startInstance()]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(connections.map((c) => c.dispose()));
    killServerProcesses();
    await redis?.kill();
    ddb.destroy();
  });

  it(
    '100 messages written through random instances reach subscribers on all four, once each, in order',
    { timeout: 120_000 },
    async () => {
      const { ua, ub, group, listeners } = await conversation();
      const next = sequence(17);
      const bodies = Array.from({ length: 100 }, (_, i) => `m${i}`);
      const used = new Set<number>();
      for (const body of bodies) {
        const i = Math.floor(next() * instances.length);
        used.add(i);
        await write(instances[i]!.url, i % 2 ? ub.token : ua.token, { messageGroupUuid: group, body });
      }
      expect(used.size).toBe(4);
      await expectExactly(listeners, bodies);
    },
  );

  it(
    'the lease holder is SIGKILLed mid-run: a peer takes the stream over and every message still arrives',
    { timeout: 120_000 },
    async () => {
      const { ua, ub, group, listeners } = await conversation();
      const lease = await ddb.send(
        new GetItemCommand({ TableName: table, Key: marshall(STREAM_LEASE_KEY), ConsistentRead: true }),
      );
      const owner = String(unmarshall(lease.Item!).owner);
      const holder = instances.findIndex((i) => owner.split(':')[1] === String(i.child.pid));
      expect(holder, `lease owner ${owner} is one of the instances`).toBeGreaterThanOrEqual(0);

      const members = [ua.uuid, ub.uuid];
      const bodies: string[] = [];
      for (let i = 0; i < 10; i += 1) {
        bodies.push(`before ${i}`);
        await writeAroundTheApi(group, ua, members, `before ${i}`);
      }
      // Killed without warning: it neither gives the lease up nor writes a last checkpoint.
      const killedAt = Date.now();
      instances[holder]!.child.kill('SIGKILL');
      const survivors = listeners.filter((_, i) => i !== holder);
      bodies.push('after 0');
      await writeAroundTheApi(group, ub, members, 'after 0');
      // The failover's cost: from the kill to the first message written after it reaching a subscriber. Bound: the
      // lease time, a lease check either side (every LEASE_MS / 3), the new holder's start and a poll or two.
      await survivors[0]!.waitFor(11, 30_000);
      const failoverMs = Date.now() - killedAt;
      console.log(`[redis-mode] lease failover (kill → next message delivered): ${failoverMs} ms`);
      expect(failoverMs).toBeLessThan(LEASE_MS * 2 + 1_500);
      for (let i = 1; i < 10; i += 1) {
        bodies.push(`after ${i}`);
        await writeAroundTheApi(group, ub, members, `after ${i}`);
      }
      await expectExactly(survivors, bodies);
      instances = instances.filter((_, i) => i !== holder);
    },
  );

  it(
    'Redis is killed and restarted mid-run: readiness says so, delivery resumes and nothing written meanwhile is lost',
    { timeout: 120_000 },
    async () => {
      const { ua, ub, group, listeners } = await conversation();
      const through = (i: number) => [instances[i % instances.length]!.url, i % 2 ? ub.token : ua.token] as const;
      const bodies: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        bodies.push(`before ${i}`);
        await write(...through(i), { messageGroupUuid: group, body: `before ${i}` });
      }
      for (const l of listeners) await l.waitFor(5, 10_000);
      expect((await readyUntil(instances[0]!, 200)).body.checks.redis).toEqual({ status: 'ok' });
      await redis!.kill();
      const down = await readyUntil(instances[0]!, 503);
      expect(down.status).toBe(503);
      expect(down.body.checks.redis).toEqual({ status: 'down', reason: 'cannot be reached' });
      expect(down.body.checks.dynamodb).toEqual({ status: 'ok' });
      // The API keeps taking messages: the writes succeed, their live events wait for Redis.
      for (let i = 0; i < 5; i += 1) {
        bodies.push(`while down ${i}`);
        await write(...through(i), { messageGroupUuid: group, body: `while down ${i}` });
      }
      await new Promise((r) => setTimeout(r, 1_000));
      await redis!.start();
      for (const l of listeners) await l.waitFor(10, 30_000);
      expect((await readyUntil(instances[0]!, 200)).status).toBe(200);
      for (let i = 0; i < 5; i += 1) {
        bodies.push(`after ${i}`);
        await write(...through(i + 1), { messageGroupUuid: group, body: `after ${i}` });
      }
      await expectExactly(listeners, bodies);
    },
  );
});
