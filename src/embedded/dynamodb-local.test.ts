// The embedded DynamoDB Local must not outlive a parent that crashes (SIGKILL gives it no chance to clean up).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

it('leaves no java process behind when its parent is killed with SIGKILL', { timeout: 60_000 }, async () => {
  const dbPath = mkdtempSync(path.join(os.tmpdir(), 'cruddur-orphan-'));
  const script = `import { startDynamoDbLocal } from './src/embedded/dynamodb-local.ts';
    const d = await startDynamoDbLocal({ dbPath: ${JSON.stringify(dbPath)} }); console.log('READY ' + d.endpoint);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanup = () => child.kill('SIGKILL');
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const deadline = Date.now() + 30_000;
  while (!out.includes('READY')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`DynamoDB Local did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const running = () => spawnSync('pgrep', ['-f', `dbPath ${dbPath}`], { encoding: 'utf8' }).stdout.trim();
  expect(running()).not.toBe('');
  child.kill('SIGKILL');
  const gone = Date.now() + 15_000;
  while (running() !== '' && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
  expect(running()).toBe('');
});

it('without Java, fails with a message that points to docker compose and DYNAMODB_ENDPOINT', () => {
  // A PATH holding only node and sh: no java.
  const bin = mkdtempSync(path.join(os.tmpdir(), 'cruddur-nojava-'));
  symlinkSync(process.execPath, path.join(bin, 'node'));
  symlinkSync('/bin/sh', path.join(bin, 'sh'));
  const script = `import { startDynamoDbLocal } from './src/embedded/dynamodb-local.ts';
    try { await startDynamoDbLocal(); } catch (e) { console.log(e.message); }`;
  const res = spawnSync(path.join(bin, 'node'), ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { PATH: bin },
    encoding: 'utf8',
  });
  expect(res.stdout).toMatch(/Java 17 or newer.*java was not found.*docker compose up dynamodb.*DYNAMODB_ENDPOINT/s);
});
