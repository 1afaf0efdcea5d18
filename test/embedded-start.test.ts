// `npm start` exactly as the README runs it, on embedded defaults: start, query seeded data, create a message,
// stop with Ctrl-C, restart, the message is still there, stop with SIGTERM, and no process is left behind; and a
// process manager's SIGTERM (or SIGKILL) to the npm process alone takes the whole tree down.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../src/embedded/dynamodb-local.ts';
import { CREATE_MESSAGE, MESSAGE_GROUPS, MESSAGES, post } from './helpers.ts';
import { connect } from './ws-helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-embedded-'));
const running = new Set<ChildProcess>();

afterAll(() => {
  for (const child of running) if (child.pid) process.kill(-child.pid, 'SIGKILL');
});

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly tokens: Record<string, string>;
  readonly output: () => string;
}

async function npmStart(port: number, dir = dataDir): Promise<Started> {
  // DATABASE_URL / DYNAMODB_ENDPOINT removed so the embedded defaults are used, as on a fresh laptop.
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dir };
  delete env.DATABASE_URL;
  delete env.DYNAMODB_ENDPOINT;
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const deadline = Date.now() + 90_000;
  while (!/dev tokens[\s\S]*londo: \S+/.test(out)) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`npm start was not ready in time:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const url = /ready at (\S+)/.exec(out)![1]!;
  const tokens = Object.fromEntries([...out.matchAll(/^ {2}(\w+): (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  return { child, url, tokens, output: () => out };
}

/** Signals the whole process group, as a terminal's Ctrl-C does; resolves once npm has exited. */
async function stop(started: Started, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise<void>((resolve) => started.child.once('exit', () => resolve()));
  process.kill(-started.child.pid!, signal);
  await exited;
  running.delete(started.child);
  // npm may exit on the signal before the server has finished its orderly stop: wait for that to finish.
  const deadline = Date.now() + 30_000;
  while ((!started.output().includes('[cruddur] stopped') || leftovers() !== '') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(started.output()).toMatch(new RegExp(`${signal}: stopping[\\s\\S]*\\[cruddur\\] stopped`));
  expect(started.output()).not.toMatch(/stop failed|Error/);
  // The signal reached java too: a shutdown is not an outage, so the supervisor must not restart it.
  expect(started.output()).not.toMatch(/DynamoDB Local exited unexpectedly|restarting/);
}

function leftovers(): string {
  return spawnSync('pgrep', ['-af', dataDir], { encoding: 'utf8' }).stdout.trim();
}

it(
  'starts on embedded defaults, keeps messages across a restart, and leaves no process behind',
  { timeout: 240_000 },
  async () => {
    const port = await freePort();
    const first = await npmStart(port);
    expect(first.url).toBe(`http://127.0.0.1:${port}/graphql`);
    expect(Object.keys(first.tokens).sort()).toEqual(['andrewbrown', 'bayko', 'londo']);
    // Where the embedded services are, for the npm scripts: DynamoDB Local on loopback, Postgres on a socket.
    const socketDir = encodeURIComponent(path.join(dataDir, 'postgres-socket'));
    const where =
      /embedded services, for the npm scripts while this runs: DYNAMODB_ENDPOINT=(\S+) DATABASE_URL=(\S+)/.exec(
        first.output(),
      );
    expect(where?.[1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(where?.[2]).toBe(`postgres://postgres@${socketDir}:5432/postgres`);
    const client = new pg.Client({ connectionString: where![2] });
    await client.connect();
    expect((await client.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBeGreaterThanOrEqual(3);
    await client.end();
    const andrew = first.tokens.andrewbrown!;

    const inbox = await post(first.url, andrew, MESSAGE_GROUPS);
    expect(inbox.errors).toBeUndefined();
    const groups = inbox.data.messageGroups.items as { id: string; otherUser: { handle: string } }[];
    expect(groups.map((g) => g.otherUser.handle)).toEqual(['londo', 'bayko']);

    const created = await post(first.url, andrew, CREATE_MESSAGE, {
      input: { messageGroupUuid: groups[1]!.id, body: 'survives a restart' },
    });
    expect(created.errors).toBeUndefined();
    await stop(first, 'SIGINT');
    expect(leftovers()).toBe('');

    const second = await npmStart(port);
    expect(second.output()).not.toMatch(/seed/i);
    const after = await post(second.url, second.tokens.andrewbrown!, MESSAGES, { g: groups[1]!.id, limit: 1 });
    expect(after.errors).toBeUndefined();
    expect(after.data.messages.items[0].body).toBe('survives a restart');
    // The old token still works: the local issuer key persists in DATA_DIR too.
    expect((await post(second.url, andrew, '{ me { handle } }')).data.me.handle).toBe('andrewbrown');
    const reinbox = await post(second.url, andrew, MESSAGE_GROUPS);
    expect(reinbox.data.messageGroups.items.map((g: { otherUser: { handle: string } }) => g.otherUser.handle)).toEqual([
      'bayko',
      'londo',
    ]);

    // A live subscription at shutdown: it is completed, its socket closed with 1001, and the stop stays quick.
    const live = connect(second.url, andrew);
    const listener = live.listen('subscription { onInboxMessage { id } }');
    await new Promise((r) => setTimeout(r, 300)); // registered (graphql-transport-ws has no subscribe ack)
    await post(second.url, second.tokens.bayko!, CREATE_MESSAGE, {
      input: { handle: 'andrewbrown', body: 'live before stop' },
    });
    await listener.waitFor(1);
    const stopping = Date.now();
    await stop(second, 'SIGTERM');
    expect(Date.now() - stopping).toBeLessThan(5_000);
    expect((await live.closed).code).toBe(1001);
    await live.dispose();
    expect(leftovers()).toBe('');
  },
);

/** Every process still in the npm process's group (npm, the server, the java guard and java, esbuild). */
function group(pgid: number): string {
  return spawnSync('pgrep', ['-a', '-g', String(pgid)], { encoding: 'utf8' }).stdout.trim();
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** A signal to the npm pid only, as docker, systemd or a supervisor sends it; then nothing of the tree may remain. */
async function signalNpmOnly(signal: NodeJS.Signals, boundMs: number): Promise<void> {
  const port = await freePort();
  const started = await npmStart(port, mkdtempSync(path.join(os.tmpdir(), `cruddur-${signal.toLowerCase()}-`)));
  const pgid = started.child.pid!;
  expect(group(pgid)).toMatch(/java/);
  expect(await portOpen(port)).toBe(true);
  const sent = Date.now();
  process.kill(pgid, signal);
  while (group(pgid) !== '' && Date.now() - sent < boundMs) await new Promise((r) => setTimeout(r, 200));
  expect(group(pgid), `still running ${Date.now() - sent} ms after ${signal} to npm`).toBe('');
  expect(await portOpen(port)).toBe(false);
  running.delete(started.child);
}

it('a SIGTERM to the npm process alone stops the server and DynamoDB Local within 10 s', { timeout: 150_000 }, () =>
  signalNpmOnly('SIGTERM', 10_000),
);

it(
  'a SIGKILL to the npm process alone: the server notices its parent is gone and stops everything',
  {
    timeout: 150_000,
  },
  () => signalNpmOnly('SIGKILL', 15_000),
);
