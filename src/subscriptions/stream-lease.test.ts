// The stream lease against DynamoDB Local: one owner at a time; a peer takes over a dead owner's lease within the
// bound and gets its checkpoints; an owner cut off from DynamoDB stops reading before a peer may start; an owner
// that stops gives the lease up at once.
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createTable } from '../data/table.ts';
import { createDynamoDbClient } from '../datasources/dynamodb/client.ts';
import { createStreamLease, type LeaseGrant, type StreamLease } from './stream-lease.ts';

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };
const table = `lease-${randomUUID().slice(0, 8)}`;
const LEASE_MS = 600;
let client: DynamoDBClient;
const leases: StreamLease[] = [];

beforeAll(async () => {
  client = createDynamoDbClient({ endpoint: inject('dynamodbEndpoint'), region: 'us-east-1' });
  await createTable(client, table);
});
afterAll(async () => {
  await Promise.all(leases.map((l) => l.stop()));
  client?.destroy();
});

/** A lease whose DynamoDB can be cut off (a partitioned or frozen owner) and whose events are recorded. */
function lease(owner: string, key: { pk: string; sk: string }, checkpoints: Record<string, string> = {}) {
  let cut = false;
  const log: { what: 'acquired' | 'lost'; at: number; grant?: LeaseGrant }[] = [];
  const dynamodb = {
    send: (command: never) => (cut ? Promise.reject(new Error('network is down')) : client.send(command)),
  } as unknown as DynamoDBClient;
  const l = createStreamLease({
    dynamodb,
    tableName: table,
    key,
    owner,
    leaseMs: LEASE_MS,
    logger: quiet,
    onAcquired: (grant) => void log.push({ what: 'acquired', at: Date.now(), grant }),
    onLost: () => void log.push({ what: 'lost', at: Date.now() }),
    checkpoints: () => checkpoints,
  });
  leases.push(l);
  return { lease: l, log, cut: () => (cut = true) };
}

async function until(check: () => boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const keyFor = () => ({ pk: `LEASE#${randomUUID()}`, sk: 'LEASE' });

it('one owner at a time; a peer takes over a cut-off owner within the bound, after it stopped, with its checkpoints', async () => {
  const key = keyFor();
  const a = lease('a', key, { 'shard-1': '42' });
  a.lease.start();
  await until(() => a.lease.holding, 2_000);
  const b = lease('b', key);
  const c = lease('c', key);
  b.lease.start();
  c.lease.start();
  // A renews (several times over the lease time): nobody else gets it.
  await new Promise((r) => setTimeout(r, LEASE_MS * 2));
  expect([a.lease.holding, b.lease.holding, c.lease.holding]).toEqual([true, false, false]);

  const cutAt = Date.now();
  a.cut();
  await until(() => b.lease.holding || c.lease.holding, LEASE_MS * 4);
  const tookOver = Date.now() - cutAt;
  const [winner, loser] = b.lease.holding ? [b, c] : [c, b];
  expect(loser.lease.holding).toBe(false);
  // Bound: the lease time plus a check interval either side (renewals run every LEASE_MS / 3).
  expect(tookOver).toBeLessThan(LEASE_MS + (2 * LEASE_MS) / 3 + 200);
  // The cut-off owner stopped reading before the new one started: never two readers at once.
  const lost = a.log.find((e) => e.what === 'lost');
  const acquired = winner.log.find((e) => e.what === 'acquired')!;
  expect(lost).toBeDefined();
  expect(lost!.at).toBeLessThanOrEqual(acquired.at);
  expect(acquired.grant!.checkpoints).toEqual({ 'shard-1': '42' });
});

it('an owner that stops gives the lease up with its last checkpoints, and a peer takes it at its next check', async () => {
  const key = keyFor();
  const a = lease('a2', key, { 'shard-9': '7' });
  a.lease.start();
  await until(() => a.lease.holding, 2_000);
  const b = lease('b2', key);
  b.lease.start();
  await new Promise((r) => setTimeout(r, LEASE_MS / 2));
  const stoppedAt = Date.now();
  await a.lease.stop();
  await until(() => b.lease.holding, LEASE_MS);
  expect(Date.now() - stoppedAt).toBeLessThan(LEASE_MS / 3 + 200);
  expect(b.log[0]!.grant!.checkpoints).toEqual({ 'shard-9': '7' });
  const item = await client.send(
    new GetItemCommand({ TableName: table, Key: { pk: { S: key.pk }, sk: { S: 'LEASE' } } }),
  );
  expect(unmarshall(item.Item!)).toMatchObject({ owner: 'b2', checkpoints: { 'shard-9': '7' } });
});

it('the first owner ever records when reading began, and every later owner is handed that time', async () => {
  const key = keyFor();
  const before = Date.now();
  const a = lease('a3', key);
  a.lease.start();
  await until(() => a.lease.holding, 2_000);
  const since = a.log[0]!.grant!.since;
  expect(since).toBeGreaterThanOrEqual(before);
  await a.lease.stop();
  const b = lease('b3', key);
  b.lease.start();
  await until(() => b.lease.holding, 2_000);
  expect(b.log[0]!.grant!.since).toBe(since);
});
