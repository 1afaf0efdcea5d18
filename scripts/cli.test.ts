// The npm scripts as users run them: real child processes (node --import tsx, which is what `tsx` does), against
// the test run's DynamoDB Local and Postgres and a real API for the conversation printers.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLocalIssuer, localSubForHandle } from '../src/auth/local-issuer.ts';
import { tableExists } from '../src/data/table.ts';
import { createDynamoDbClient } from '../src/datasources/dynamodb/client.ts';
import { send, startTestServer, uniqueSuffix, type TestServer } from '../test/helpers.ts';

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

// Variables a developer's shell might export must not leak into the scripts under test.
const CLEARED = ['DYNAMODB_ENDPOINT', 'DYNAMODB_TABLE', 'DATABASE_URL', 'DATA_DIR', 'AWS_REGION', 'AUTH_MODE'];

function run(script: string, args: readonly string[] = [], env: Record<string, string> = {}): Promise<Result> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !CLEARED.includes(name)));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('scripts', script), ...args], {
      env: { ...base, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const SCRIPTS = [
  { file: 'token.ts', name: 'token', env: ['DATA_DIR'] },
  { file: 'create-table.ts', name: 'table:create', env: ['DYNAMODB_ENDPOINT', 'DYNAMODB_TABLE', 'AWS_REGION'] },
  { file: 'drop-table.ts', name: 'table:drop', env: ['DYNAMODB_ENDPOINT', 'DYNAMODB_TABLE', 'AWS_REGION'] },
  { file: 'load-schema.ts', name: 'db:schema', env: ['DATABASE_URL'] },
  {
    file: 'seed.ts',
    name: 'seed',
    env: ['DYNAMODB_ENDPOINT', 'DYNAMODB_TABLE', 'AWS_REGION', 'DATABASE_URL', 'DATA_DIR'],
  },
  {
    file: 'list-conversations.ts',
    name: 'conversations:list',
    env: ['DYNAMODB_ENDPOINT', 'DYNAMODB_TABLE', 'DATABASE_URL'],
  },
  { file: 'get-conversation.ts', name: 'conversation:print', env: ['DYNAMODB_ENDPOINT', 'DYNAMODB_TABLE'] },
  { file: 'bundle-resolvers.ts', name: 'bundle:resolvers', env: [] },
] as const;

const services = () => ({ DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'), DATABASE_URL: inject('databaseUrl') });

describe('every script', () => {
  it('explains itself with --help, naming the variables it reads, and exits 0', async () => {
    const results = await Promise.all(SCRIPTS.map((s) => run(s.file, ['--help'])));
    for (const [i, s] of SCRIPTS.entries()) {
      const result = results[i]!;
      expect(result.code, `${s.file}: ${result.stderr}`).toBe(0);
      expect(result.stdout).toContain(`Usage: npm run ${s.name}`);
      expect(result.stdout).toContain('--help');
      for (const name of s.env) expect(result.stdout, `${s.file} --help`).toContain(name);
    }
  });

  it('rejects an unknown flag with exit code 2, naming it', async () => {
    const results = await Promise.all(SCRIPTS.map((s) => run(s.file, ['--frobnicate'])));
    for (const [i, s] of SCRIPTS.entries()) {
      expect(results[i]!.code, s.file).toBe(2);
      expect(results[i]!.stderr, s.file).toContain("'--frobnicate'");
      expect(results[i]!.stdout, s.file).toBe('');
    }
  });

  it('says how to reach the databases when their variables are unset, and exits 2', async () => {
    const [table, list] = await Promise.all([run('create-table.ts'), run('list-conversations.ts', ['bayko'])]);
    expect(table.code).toBe(2);
    expect(table.stderr).toContain('needs DYNAMODB_ENDPOINT to be set');
    expect(table.stderr).toContain('npm start');
    expect(table.stderr).toContain('docker compose up');
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('needs DYNAMODB_ENDPOINT and DATABASE_URL');
  });
});

describe('token', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-token-'));

  function decode(token: string) {
    const [head, body, signature] = token.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    return { head: head!, body: body!, signature: signature!, payload };
  }

  it("prints a JWT for the handle, signed with DATA_DIR's key", async () => {
    const result = await run('token.ts', ['bayko'], { DATA_DIR: dataDir });
    expect(result.code, result.stderr).toBe(0);
    const token = result.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const { head, body, signature, payload } = decode(token);
    expect(payload).toMatchObject({ 'cognito:username': 'bayko', sub: localSubForHandle('bayko'), token_use: 'id' });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(12 * 3600);
    const jwk = createLocalIssuer(dataDir).jwks.keys[0] as JsonWebKey;
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    expect(verify('RSA-SHA256', Buffer.from(`${head}.${body}`), key, Buffer.from(signature, 'base64url'))).toBe(true);
    expect(result.stderr).toBe('');
  });

  it('honours --expires-in and notes when the handle is not a demo user', async () => {
    const result = await run('token.ts', ['someone_else', '--expires-in', '60'], { DATA_DIR: dataDir });
    expect(result.code, result.stderr).toBe(0);
    const { payload } = decode(result.stdout.trim());
    expect(Number(payload.exp) - Number(payload.iat)).toBe(60);
    expect(payload['cognito:username']).toBe('someone_else');
    expect(result.stderr).toContain('not a demo user');
  });

  it('rejects a missing handle and a bad --expires-in with exit code 2', async () => {
    const [missing, bad] = await Promise.all([
      run('token.ts', [], { DATA_DIR: dataDir }),
      run('token.ts', ['bayko', '--expires-in', 'soon'], { DATA_DIR: dataDir }),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing <handle>');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--expires-in must be a whole number');
  });
});

describe('table and schema scripts', () => {
  it('creates a table idempotently and drops it idempotently', async () => {
    const env = { ...services(), DYNAMODB_TABLE: `cli-${uniqueSuffix()}` };
    const client = createDynamoDbClient({ endpoint: env.DYNAMODB_ENDPOINT, region: 'us-east-1' });
    try {
      const first = await run('create-table.ts', [], env);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain(`Created table ${env.DYNAMODB_TABLE}`);
      expect(first.stderr).toBe('');
      const described = await client.send(new DescribeTableCommand({ TableName: env.DYNAMODB_TABLE }));
      expect(described.Table?.LocalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['last-activity-index']);
      const second = await run('create-table.ts', [], env);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain(`Already exists: table ${env.DYNAMODB_TABLE}`);

      const dropped = await run('drop-table.ts', [], env);
      expect(dropped.code, dropped.stderr).toBe(0);
      expect(dropped.stdout).toContain(`Dropped table ${env.DYNAMODB_TABLE}`);
      expect(await tableExists(client, env.DYNAMODB_TABLE)).toBe(false);
      const again = await run('drop-table.ts', [], env);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain(`Nothing to drop: no table ${env.DYNAMODB_TABLE}`);
    } finally {
      client.destroy();
    }
  });

  it('loads the users schema idempotently', async () => {
    const result = await run('load-schema.ts', [], services());
    expect(result.code, result.stderr).toBe(0);
    // The test setup already created the table.
    expect(result.stdout).toContain('Already exists: table users');
  });
});

describe('with a running API', () => {
  let server: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer();
    env = { ...services(), DYNAMODB_TABLE: server.config.dynamodbTable };
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('lists a user’s conversations newest first and prints a conversation oldest first', async () => {
    const [ann, bob, cat] = await Promise.all([
      server.createUser('ann'),
      server.createUser('bob'),
      server.createUser('cat'),
    ]);
    const first = await send(server, ann, { handle: bob.handle, body: 'first hello' });
    const groupAB = first.messageGroupUuid;
    await send(server, bob, { messageGroupUuid: groupAB, body: 'second reply' });
    await send(server, ann, { messageGroupUuid: groupAB, body: 'third and last' });
    const groupAC = (await send(server, cat, { handle: ann.handle, body: 'from cat' })).messageGroupUuid;

    const list = await run('list-conversations.ts', [ann.handle], env);
    expect(list.code, list.stderr).toBe(0);
    const lines = list.stdout.split('\n');
    const catLine = lines.findIndex((l) => l.startsWith(`@${cat.handle}`));
    const bobLine = lines.findIndex((l) => l.startsWith(`@${bob.handle}`));
    expect(catLine).toBeGreaterThan(0);
    expect(bobLine).toBeGreaterThan(catLine);
    expect(lines[catLine]).toContain('from cat');
    expect(lines[catLine]).toContain(groupAC);
    expect(lines[bobLine]).toContain('you: third and last');
    expect(lines[bobLine]).toContain(groupAB);
    expect(lines[bobLine]).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);

    const limited = await run('list-conversations.ts', [ann.handle, '--limit', '1'], env);
    expect(limited.stdout).toContain(cat.handle);
    expect(limited.stdout).not.toContain(bob.handle);

    const print = await run('get-conversation.ts', [groupAB], env);
    expect(print.code, print.stderr).toBe(0);
    const bodies = ['first hello', 'second reply', 'third and last'].map((body) =>
      print.stdout.split('\n').findIndex((l) => l.includes(body)),
    );
    expect(bodies.every((i) => i > 0)).toBe(true);
    expect(bodies).toEqual([...bodies].sort((a, b) => a - b));
    expect(print.stdout.split('\n')[bodies[1]!]).toContain(`@${bob.handle}`);
    expect(print.stdout.split('\n')[bodies[0]!]).toContain(`@${ann.handle}`);
    expect(print.stdout).not.toContain('MEMBER#');

    const latest = await run('get-conversation.ts', [groupAB, '--limit', '2'], env);
    expect(latest.code, latest.stderr).toBe(0);
    expect(latest.stdout).not.toContain('first hello');
    expect(latest.stdout.indexOf('second reply')).toBeLessThan(latest.stdout.indexOf('third and last'));
    expect(latest.stdout.indexOf('second reply')).toBeGreaterThan(0);
  });

  it('fails clearly for an unknown handle or message group', async () => {
    const [nobody, nothing] = await Promise.all([
      run('list-conversations.ts', [`nobody_${uniqueSuffix()}`], env),
      run('get-conversation.ts', ['00000000-0000-4000-8000-000000000000'], env),
    ]);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('no user with handle');
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('no messages in message group');
  });

  it('seeds the demo users and, through the API, the demo conversations, idempotently', async () => {
    const seedEnv = { ...env, DATA_DIR: server.config.dataDir };
    const seeded = await run('seed.ts', ['--conversations', '--url', server.url], seedEnv);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toContain('Demo users ready: andrewbrown, bayko, londo');
    expect(seeded.stdout).toMatch(/Wrote \d+ demo messages/);
    const again = await run('seed.ts', ['--conversations', '--url', server.url], seedEnv);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('already there: nothing written');

    const inbox = await run('list-conversations.ts', ['andrewbrown'], env);
    expect(inbox.code, inbox.stderr).toBe(0);
    const rows = inbox.stdout.split('\n').filter((l) => l.startsWith('@'));
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(['@londo', '@bayko']);
  });
});
