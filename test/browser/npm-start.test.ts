// `npm start`'s own process serves the web app at / and the playground at GET /graphql, and a browser using
// both makes no request beyond 127.0.0.1. (DynamoDB and Postgres are the test run's, to spare two cores a second
// JVM; test/embedded-start.test.ts covers the embedded defaults.)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/server.ts';
import { ensureWebBuild } from '../../src/web/build.ts';
import { uniqueSuffix } from '../helpers.ts';
import { browserMissing, external, launch, record, useBrowserTimeouts } from './browser.ts';

const missing = browserMissing();
useBrowserTimeouts();
const START_TIMEOUT_MS = 90_000;

describe.skipIf(missing)(`npm start in Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let child: ChildProcess;
  let url: string;
  let output = '';
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'cruddur-npm-start-')),
      DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
      DATABASE_URL: inject('databaseUrl'),
      DYNAMODB_TABLE: `web-start-${uniqueSuffix()}`,
    };
    child = spawn('npm', ['start'], { cwd: PROJECT_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!/dev tokens[\s\S]*londo: \S+/.test(output)) {
      if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm start was not ready in time:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    url = /ready at (\S+)/.exec(output)![1]!;
    browser = await launch();
  }, START_TIMEOUT_MS + 10_000);
  afterAll(async () => {
    await browser?.close();
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  });

  it('serves the app at / and the playground at /graphql, both working on 127.0.0.1 alone', async () => {
    // Built before it started, so npm start did not build again.
    expect(output).not.toContain('building the web app');
    const origin = new URL(url).origin;
    expect(new URL(url).hostname).toBe('127.0.0.1');
    const context = await browser.newContext();
    const recorded = record(context);
    const page = await context.newPage();

    await page.goto(`${origin}/`);
    await page.getByRole('button', { name: /@andrewbrown\b/ }).click();
    await expect.poll(() => page.url()).toBe(`${origin}/messages`);
    await page.locator('.inbox .group', { hasText: 'Andrew Bayko' }).click();
    await page.locator('.messages .message').first().waitFor();
    expect(await page.locator('.messages .message').count()).toBeGreaterThan(1);

    await page.goto(url);
    await page.locator('.graphiql-plugin').getByText('Root Types').waitFor({ state: 'visible' });
    await page.getByLabel('Demo user').selectOption('bayko');
    await page.getByRole('button', { name: /Execute query/ }).click();
    await expect.poll(() => page.locator('.result-window').innerText(), { timeout: 10_000 }).toContain('andrewbrown');

    expect(external(recorded)).toEqual([]);
    expect(recorded.problems).toEqual([]);
    await context.close();
  });
});
