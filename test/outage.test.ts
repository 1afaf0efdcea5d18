// A database that goes away: the request gets a typed error, the server stays up, and serves again once it is back.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../src/embedded/dynamodb-local.ts';
import { MESSAGES, send, startTestServer, type TestServer } from './helpers.ts';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

it('DynamoDB Local stopped mid-run: DynamoDB-typed error, server stays up, recovers when it is back', async () => {
  const dbPath = mkdtempSync(path.join(os.tmpdir(), 'cruddur-outage-'));
  let ddb: DynamoDbLocal = await startDynamoDbLocal({ dbPath });
  cleanup.push(() => ddb.stop());
  const server: TestServer = await startTestServer({ DYNAMODB_ENDPOINT: ddb.endpoint });
  cleanup.push(() => server.stop());
  const [a, b] = await Promise.all([server.createUser('out1'), server.createUser('out2')]);
  const first = await send(server, a, { handle: b.handle, body: 'before the outage' });

  await ddb.stop();
  const started = Date.now();
  const read = await server.gql(a.token, MESSAGES, { g: first.messageGroupUuid });
  const write = await server.gql(a.token, `mutation($i: CreateMessageInput!) { createMessage(input: $i) { id } }`, {
    i: { messageGroupUuid: first.messageGroupUuid, body: 'during the outage' },
  });
  expect(Date.now() - started).toBeLessThan(10_000);
  for (const res of [read, write]) {
    expect(res.status).toBe(200);
    expect(res.errors?.[0]?.errorType).toMatch(/^DynamoDB:/);
    expect(res.errors?.[0]?.message).toMatch(/reach|connect|unavailable/i);
  }
  expect((await fetch(server.url.replace('/graphql', '/health'))).status).toBe(200);

  ddb = await startDynamoDbLocal({ dbPath, port: ddb.port });
  const after = await server.gql(a.token, MESSAGES, { g: first.messageGroupUuid });
  expect(after.errors).toBeUndefined();
  expect(after.data.messages.items.map((m: { body: string }) => m.body)).toEqual(['before the outage']);
});

it('Postgres unreachable: a Postgres-typed error that says so, and the server stays up', async () => {
  const server = await startTestServer({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
  cleanup.push(() => server.stop());
  const res = await server.gql(server.tokenFor('anyone'), '{ me { id } }');
  expect(res.status).toBe(200);
  expect(res.errors?.[0]?.errorType).toBe('Postgres:ServiceUnavailable');
  expect(res.errors?.[0]?.message).toMatch(/could not be reached/);
  expect((await fetch(server.url.replace('/graphql', '/health'))).status).toBe(200);
});
