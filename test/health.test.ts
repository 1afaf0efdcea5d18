// /health/live and /health/ready over real HTTP against real DynamoDB Local and Postgres: ready only when both
// answer and are set up, 503 naming what is down (with nothing internal in the body), and bounded load.
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ownDatabase } from './databases.ts';
import { startTestServer, type TestServer } from './helpers.ts';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

async function get(server: TestServer, path: string): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(server.url.replace('/graphql', path));
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text };
}

/** docker-compose.yml's api healthcheck, run as docker would (its exit code), against this server's port. */
async function composeProbe(server: TestServer): Promise<number | null> {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: { api: any } };
  const [, node, ...args] = compose.services.api.healthcheck.test as string[];
  const port = String(new URL(server.url).port);
  // Not spawnSync: the server answering the probe runs in this process.
  const probe = args.map((a) => a.replace('127.0.0.1:4000', `127.0.0.1:${port}`));
  const child = spawn(node!, probe, { timeout: 10_000 });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Polls /health/ready until `until` holds (the report is cached for 1 s), within a bound. */
async function readyUntil(server: TestServer, until: (r: { status: number }) => boolean, boundMs = 10_000) {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const res = await get(server, '/health/ready');
    if (until(res) || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 200));
  }
}

it('live is 200 ok; ready is 200 with both dependencies ok; /health still answers as liveness', async () => {
  const server = await startTestServer();
  cleanup.push(() => server.stop());
  expect(await get(server, '/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
  expect(await get(server, '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
  expect((await get(server, '/health?memory')).body).toMatchObject({ status: 'ok', connections: 0 });
  expect(await get(server, '/health/ready')).toMatchObject({
    status: 200,
    body: { status: 'ok', checks: { dynamodb: { status: 'ok' }, postgres: { status: 'ok' } } },
  });
  expect(await composeProbe(server)).toBe(0);
});

it('ready is 503 naming dynamodb when the table is missing; live stays 200', async () => {
  const server = await startTestServer();
  cleanup.push(() => server.stop());
  await server.dynamodb.send(new DeleteTableCommand({ TableName: server.config.dynamodbTable }));
  const res = await readyUntil(server, (r) => r.status === 503);
  expect(res.status).toBe(503);
  expect(res.body).toEqual({
    status: 'unavailable',
    checks: { dynamodb: { status: 'down', reason: 'table is missing' }, postgres: { status: 'ok' } },
  });
  expect(res.text).not.toContain(server.config.dynamodbTable);
  expect((await get(server, '/health/live')).status).toBe(200);
  expect(await composeProbe(server)).toBe(1);
});

it('ready is 503 naming postgres when its database is dropped, with no hostnames, ports or driver text', async () => {
  const db = await ownDatabase();
  cleanup.push(() => db.drop());
  const server = await startTestServer({ DATABASE_URL: db.url });
  cleanup.push(() => server.stop());
  expect((await get(server, '/health/ready')).status).toBe(200);
  await db.drop();
  const res = await readyUntil(server, (r) => r.status === 503);
  expect(res.status).toBe(503);
  expect(res.body).toEqual({
    status: 'unavailable',
    checks: { dynamodb: { status: 'ok' }, postgres: { status: 'down', reason: 'cannot be reached' } },
  });
  const url = new URL(db.url);
  for (const secret of [url.hostname, url.port, url.pathname.slice(1), 'ECONNREFUSED', 'does not exist'])
    if (secret) expect(res.text).not.toContain(secret);
  expect((await get(server, '/health/live')).status).toBe(200);
});

it('ready is 503 naming postgres when the users table is missing', async () => {
  const db = await ownDatabase({ schema: false });
  cleanup.push(() => db.drop());
  const server = await startTestServer({ DATABASE_URL: db.url });
  cleanup.push(() => server.stop());
  const res = await get(server, '/health/ready');
  expect(res.status).toBe(503);
  expect(res.body.checks.postgres).toEqual({ status: 'down', reason: 'users table is missing' });
});

it('100 concurrent ready calls cost the databases one check (the 1 s cache), and each answers', async () => {
  const server = await startTestServer();
  cleanup.push(() => server.stop());
  let checkouts = 0;
  server.pool.on('acquire', () => (checkouts += 1));
  const started = Date.now();
  const answers = await Promise.all(Array.from({ length: 100 }, () => get(server, '/health/ready')));
  expect(answers.every((a) => a.status === 200)).toBe(true);
  // The cache lasts 1 s after a check ends; on a loaded machine the burst may straddle one expiry.
  expect(checkouts).toBeLessThanOrEqual(1 + Math.ceil((Date.now() - started) / 1_000));
  expect(checkouts).toBeGreaterThanOrEqual(1);
});
