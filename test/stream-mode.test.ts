// PUBSUB=dynamodb-stream with two real server processes against one DynamoDB Local: messages written through
// either instance reach subscribers on both, exactly once and in order, also while one instance restarts.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, inject } from 'vitest';
import { createLocalIssuer, localSubForHandle } from '../src/auth/local-issuer.ts';
import { createTable } from '../src/data/table.ts';
import { upsertUser } from '../src/data/users.ts';
import { createDynamoDbClient } from '../src/datasources/dynamodb/client.ts';
import { freePort } from '../src/embedded/dynamodb-local.ts';
import { killServerProcesses, startServerProcess, type ServerProcess } from './server-process.ts';
import { CREATE_MESSAGE, post, uniqueSuffix } from './helpers.ts';
import { connect, type Connection } from './ws-helpers.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-stream-'));
const table = `stream-${uniqueSuffix()}`;
const connections: Connection[] = [];

type Instance = ServerProcess;

async function startInstance(port: number): Promise<Instance> {
  const env = {
    PORT: String(port),
    DATA_DIR: dataDir,
    DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    DATABASE_URL: inject('databaseUrl'),
    DYNAMODB_TABLE: table,
    PUBSUB: 'dynamodb-stream',
    STREAM_POLL_INTERVAL_MS: '100',
    SEED: 'false',
  };
  return startServerProcess(env, 60_000);
}

let a: Instance;
let b: Instance;
let portA: number;
const issuer = createLocalIssuer(dataDir);
const tokenFor = (handle: string) => issuer.sign({ sub: localSubForHandle(handle), username: handle });

beforeAll(async () => {
  const client = createDynamoDbClient({ endpoint: inject('dynamodbEndpoint'), region: 'us-east-1' });
  await createTable(client, table);
  client.destroy();
  [portA] = await Promise.all([freePort()]);
  [a, b] = await Promise.all([startInstance(portA!), startInstance(await freePort())]);
}, 120_000);

afterAll(async () => {
  await Promise.all(connections.map((c) => c.dispose()));
  killServerProcesses();
});

async function users() {
  const pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 1 });
  const made = [];
  for (const prefix of ['streamA', 'streamB']) {
    const handle = `${prefix}_${uniqueSuffix()}`;
    const row = await upsertUser(pool, { handle, displayName: prefix, cognitoUserId: localSubForHandle(handle) });
    made.push({ uuid: row.uuid, handle, token: tokenFor(handle) });
  }
  await pool.end();
  return made as [(typeof made)[0], (typeof made)[0]];
}

const ON = `subscription($g: ID!) { onMessage(messageGroupUuid: $g) { id body } }`;

async function write(url: string, token: string, input: Record<string, unknown>) {
  const res = await post(url, token, CREATE_MESSAGE, { input });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.createMessage as { id: string; messageGroupUuid: string };
}

it(
  '100 messages written alternately through two instances reach subscribers on both, once each, in order',
  { timeout: 120_000 },
  async () => {
    const [ua, ub] = await users();
    const group = (await write(a.url, ua.token, { handle: ub.handle, body: 'start' })).messageGroupUuid;
    await new Promise((r) => setTimeout(r, 400)); // 'start' has gone through the stream before we subscribe
    const onA = connect(a.url, ua.token);
    const onB = connect(b.url, ub.token);
    connections.push(onA, onB);
    const la = onA.listen(ON, { g: group });
    const lb = onB.listen(ON, { g: group });
    await new Promise((r) => setTimeout(r, 500)); // both subscriptions registered (no start_ack in the protocol)

    const bodies = Array.from({ length: 100 }, (_, i) => `m${i}`);
    for (const [i, body] of bodies.entries())
      await write(i % 2 ? b.url : a.url, i % 2 ? ub.token : ua.token, { messageGroupUuid: group, body });
    for (const l of [la, lb]) {
      await l.waitFor(100, 20_000);
      await new Promise((r) => setTimeout(r, 300)); // any duplicate would arrive by now
      expect(l.events.map((e) => e.data.onMessage.body)).toEqual(bodies);
      expect(new Set(l.events.map((e) => e.data.onMessage.id)).size).toBe(100);
    }
  },
);

it(
  'while one instance restarts, its peer keeps delivering everything written, including through the restarted one',
  { timeout: 120_000 },
  async () => {
    const [ua, ub] = await users();
    const group = (await write(b.url, ub.token, { handle: ua.handle, body: 'start' })).messageGroupUuid;
    await new Promise((r) => setTimeout(r, 400)); // 'start' has gone through the stream before we subscribe
    const onB = connect(b.url, ub.token);
    connections.push(onB);
    const lb = onB.listen(ON, { g: group });
    await new Promise((r) => setTimeout(r, 500));

    await a.stop();
    for (let i = 0; i < 5; i += 1) await write(b.url, ua.token, { messageGroupUuid: group, body: `during ${i}` });
    a = await startInstance(portA);
    for (let i = 0; i < 5; i += 1) await write(a.url, ua.token, { messageGroupUuid: group, body: `after ${i}` });
    await lb.waitFor(10, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(lb.events.map((e) => e.data.onMessage.body)).toEqual([
      ...Array.from({ length: 5 }, (_, i) => `during ${i}`),
      ...Array.from({ length: 5 }, (_, i) => `after ${i}`),
    ]);
  },
);
