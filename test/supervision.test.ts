// The embedded DynamoDB Local is supervised: SIGKILL java under a running app, readiness goes 503 naming dynamodb,
// java is restarted on the same port and dbPath, readiness recovers, writes work again and nothing acknowledged
// before the kill is lost. stop() ends supervision: nothing is restarted after it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTable } from '../src/data/table.ts';
import { createBackoff } from '../src/embedded/dynamodb-local.ts';
import { MESSAGES, send, startTestServer, type TestServer } from './helpers.ts';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

/** The java process (not its sh guard) serving this dbPath. */
function javaPids(dbPath: string): number[] {
  const out = spawnSync('pgrep', ['-f', `^java .*-dbPath ${dbPath}`], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter(Boolean).map(Number);
}

async function ready(server: TestServer): Promise<{ status: number; body: any }> {
  const res = await fetch(server.url.replace('/graphql', '/health/ready'));
  return { status: res.status, body: await res.json() };
}

async function poll<T>(what: string, boundMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${boundMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('createBackoff', () => {
  it('doubles from 250 ms to a 10 s cap, and starts over after reset()', () => {
    const backoff = createBackoff();
    expect(Array.from({ length: 8 }, () => backoff.next())).toEqual([
      250, 500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
    backoff.reset();
    expect(backoff.next()).toBe(250);
  });
});

it(
  'restarts DynamoDB Local after java is SIGKILLed; readiness 503 → 200; data kept; none after stop()',
  {
    timeout: 180_000,
  },
  async () => {
    const warnings: string[] = [];
    const infos: string[] = [];
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-supervised-'));
    const dbPath = path.join(dataDir, 'dynamodb');
    // DYNAMODB_ENDPOINT empty: the app starts its own embedded DynamoDB Local with a dbPath in DATA_DIR.
    const server = await startTestServer(
      { DYNAMODB_ENDPOINT: '', DATA_DIR: dataDir },
      {
        logger: {
          error: () => undefined,
          warn: (...args: unknown[]) => warnings.push(args.join(' ')),
          info: (...args: unknown[]) => infos.push(args.join(' ')),
        },
      },
    );
    cleanup.push(() => server.stop());
    await createTable(server.dynamodb, server.config.dynamodbTable);
    const [a, b] = await Promise.all([server.createUser('sup1'), server.createUser('sup2')]);
    const before = await send(server, a, { handle: b.handle, body: 'acknowledged before the kill' });
    expect((await ready(server)).status).toBe(200);

    const [java] = javaPids(dbPath);
    expect(java).toBeGreaterThan(0);
    process.kill(java!, 'SIGKILL');

    const outage = await poll('readiness 503', 10_000, async () => {
      const res = await ready(server);
      return res.status === 503 ? res : undefined;
    });
    expect(outage.body.checks.dynamodb).toEqual({ status: 'down', reason: 'cannot be reached' });
    expect(outage.body.checks.postgres).toEqual({ status: 'ok' });

    const recoveredIn = Date.now();
    await poll('readiness 200 again', 60_000, async () => ((await ready(server)).status === 200 ? true : undefined));
    expect(Date.now() - recoveredIn).toBeLessThan(60_000);
    const [restarted] = javaPids(dbPath);
    expect(restarted).toBeGreaterThan(0);
    expect(restarted).not.toBe(java);
    expect(warnings.join('\n')).toMatch(
      /DynamoDB Local exited unexpectedly \(code 137\); restarting it on port \d+ in 250 ms/,
    );
    expect(infos.join('\n')).toMatch(/DynamoDB Local restarted on port \d+ \(restart 1\)/);

    const after = await send(server, b, { messageGroupUuid: before.messageGroupUuid, body: 'after the restart' });
    const page = await server.gql(a.token, MESSAGES, { g: before.messageGroupUuid });
    expect(page.errors).toBeUndefined();
    expect(page.data.messages.items.map((m: { id: string; body: string }) => [m.id, m.body])).toEqual([
      [after.id, 'after the restart'],
      [before.id, 'acknowledged before the kill'],
    ]);

    await server.stop();
    cleanup.length = 0;
    expect(javaPids(dbPath)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_500)); // longer than the first restart delay
    expect(javaPids(dbPath)).toEqual([]);
    expect(warnings.filter((w) => /exited unexpectedly/.test(w))).toHaveLength(1);
  },
);
