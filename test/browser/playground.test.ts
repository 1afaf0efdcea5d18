// The playground in a real browser: pick a demo user, run the inbox query, start onMessage, send from the other
// user, and the event shows in the results pane; nothing leaves 127.0.0.1 and the CSP reports no violation.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../src/web/build.ts';
import { CREATE_MESSAGE, startTestServer, type TestServer } from '../helpers.ts';
import { browserMissing, external, launch, record, useBrowserTimeouts, screenshot } from './browser.ts';

const missing = browserMissing();
useBrowserTimeouts();

/** Sets a GraphiQL (CodeMirror 5) editor's text: typing would fight its bracket auto-closing. */
async function setEditor(page: Page, selector: string, text: string) {
  await page.evaluate(
    ([sel, value]) => {
      // Runs in the page (the test's tsconfig has no DOM types).
      const el = (globalThis as any).document.querySelector(sel) as {
        CodeMirror?: { setValue(v: string): void };
      } | null;
      if (!el?.CodeMirror) throw new Error(`no editor at ${sel}`);
      el.CodeMirror.setValue(value!);
    },
    [selector, text],
  );
}

const RESULT = '.result-window';
const VARIABLES = '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror';

describe.skipIf(missing)(`playground in Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let server: TestServer;
  let browser: Browser;
  let groupId: string;

  beforeAll(async () => {
    await ensureWebBuild();
    // As npm start runs it: local auth, the demo users and their two seeded conversations.
    server = await startTestServer({ SEED: 'true' });
    browser = await launch();
    const inbox = await server.gql(
      server.tokenFor('andrewbrown'),
      '{ messageGroups { items { id otherUser { handle } } } }',
    );
    groupId = inbox.data.messageGroups.items.find((g: any) => g.otherUser.handle === 'bayko').id;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('picks a demo user, runs the inbox, receives a live onMessage event, all from 127.0.0.1', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 860 } });
    const recorded = record(context);
    const page = await context.newPage();
    await page.goto(server.url);
    await expect.poll(() => page.title()).toContain('playground');
    // The schema docs are open from the start (built from schema.graphql, no introspection needed).
    await page.locator('.graphiql-plugin').getByText('Root Types').waitFor({ state: 'visible' });

    // Picked on the tab that runs; picking on one tab and running another has its own test below.
    await page.getByRole('tab', { name: /^Inbox\b/ }).click();
    await page.getByLabel('Demo user').selectOption('andrewbrown');
    await page.getByRole('button', { name: 'Headers' }).click();
    // The token itself (a JWT starts "ey"), not just the word: the picker fetches it, and a hint may say "Bearer".
    await expect.poll(() => page.locator('.graphiql-editor-tool').innerText()).toMatch(/Bearer ey/);
    await page.getByRole('button', { name: /Execute query/ }).click();
    await expect.poll(() => page.locator(RESULT).innerText(), { timeout: 10_000 }).toContain('bayko');

    await page.getByRole('tab', { name: /^OnMessage\b/ }).click();
    await page.getByRole('button', { name: 'Variables' }).click();
    await setEditor(page, VARIABLES, JSON.stringify({ messageGroupUuid: groupId }));
    // The header editor belongs to the tab: the picker fills the active one.
    await page.getByLabel('Demo user').selectOption('bayko');
    await page.getByLabel('Demo user').selectOption('andrewbrown');
    await page.getByRole('button', { name: /Execute query/ }).click();
    // The socket is up once the subscription's ws request has been made; then send from the other user.
    await expect.poll(() => recorded.requests.some((url) => url.startsWith('ws://'))).toBe(true);
    const body = `live from bayko ${Date.now()}`;
    await expect
      .poll(
        async () => {
          const sent = await server.gql(server.tokenFor('bayko'), CREATE_MESSAGE, {
            input: { messageGroupUuid: groupId, body },
          });
          expect(sent.errors).toBeUndefined();
          return page.locator(RESULT).innerText();
        },
        { timeout: 15_000, interval: 2000 },
      )
      .toContain(body);
    await screenshot(page, 'playground.png');

    expect(external(recorded)).toEqual([]);
    expect(recorded.problems).toEqual([]);
    await context.close();
  });

  // The old CI flake, two GraphiQL 4 behaviours: it keeps headers per tab and its fetcher sends only the running
  // tab's, so a user picked on one tab signed in that tab alone; and a run right after a tab switch can carry the
  // previous tab's operationName. Our fetcher fills in the signed-in user and the document's own operation.
  it('a user picked on one tab signs in the others: another tab runs as that user', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 860 } });
    const page = await context.newPage();
    const authorizations: (string | null)[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/graphql')
        authorizations.push(request.headers()['authorization'] ?? null);
    });
    await page.goto(server.url);
    await page.locator('.graphiql-plugin').getByText('Root Types').waitFor({ state: 'visible' });

    await page.getByRole('tab', { name: /^Inbox\b/ }).click();
    await page.getByLabel('Demo user').selectOption('andrewbrown');
    await page.getByRole('button', { name: 'Headers' }).click();
    await expect.poll(() => page.locator('.graphiql-editor-tool').innerText()).toMatch(/Bearer ey/);

    await page.getByRole('tab', { name: /^Profiles\b/ }).click();
    await page.getByRole('button', { name: /Execute query/ }).click();
    await expect.poll(() => page.locator(RESULT).innerText(), { timeout: 10_000 }).toMatch(/"me": \{[^}]*andrewbrown/);
    expect(authorizations).toHaveLength(1);
    expect(authorizations[0]).toMatch(/^Bearer ey/);
    await context.close();
  });
});
