// Real-browser test helpers: Debian's Chromium driven by playwright-core, launched with a fresh profile and the
// flags that keep it from reaching the network on its own, and a recorder of every request a page makes.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { vi } from 'vitest';
import { PROJECT_ROOT } from '../../src/server.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(PROJECT_ROOT, 'docs/screenshots');

/** Why the browser tests cannot run here, or null. Under CI=true a missing browser is a failure, not a skip. */
export function browserMissing(env: NodeJS.ProcessEnv = process.env): string | null {
  const executable = env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(executable)) return null;
  const reason = `${executable} not found (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  if (env.CI === 'true') throw new Error(`CI=true and the browser tests cannot run: ${reason}`);
  console.warn(`[browser tests] skipped: ${reason}`);
  return reason;
}

/**
 * Generous time for a loaded machine (2 cores, several engineers): a browser scenario may take a minute, and a
 * page's "eventually" assertions (expect.poll) wait up to 10 s instead of 1 s. Call at the top of a test file.
 */
export function useBrowserTimeouts(): void {
  vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000, expect: { poll: { timeout: 10_000, interval: 100 } } });
}

export async function launch(): Promise<Browser> {
  // playwright gives every launch a fresh temporary profile (user-data dir) and removes it on close.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-dev-shm-usage',
    ],
  });
}

export interface Recorded {
  readonly requests: string[];
  readonly problems: string[];
}

/** Records every request (HTTP and WebSocket) and every console error or CSP violation of a context's pages. */
export function record(context: BrowserContext): Recorded {
  const recorded: Recorded = { requests: [], problems: [] };
  context.on('request', (request) => recorded.requests.push(request.url()));
  const watch = (page: Page) => {
    page.on('websocket', (ws) => recorded.requests.push(ws.url()));
    page.on('console', (msg) => {
      if (msg.type() === 'error') recorded.problems.push(msg.text());
    });
    page.on('pageerror', (error) => recorded.problems.push(String(error)));
  };
  context.on('page', watch);
  for (const page of context.pages()) watch(page);
  return recorded;
}

/** Requests that went anywhere but 127.0.0.1 (data: URLs never leave the page). */
export function external(recorded: Recorded): string[] {
  return recorded.requests.filter((url) => {
    if (url.startsWith('data:') || url.startsWith('blob:')) return false;
    return new URL(url).hostname !== '127.0.0.1';
  });
}

/**
 * Writes docs/screenshots/<name> when it is missing or SCREENSHOTS=update is set: the README's pictures come from
 * the tests, but an ordinary run leaves the working tree clean.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const file = path.join(SCREENSHOTS, name);
  if (existsSync(file) && process.env.SCREENSHOTS !== 'update') return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: file });
}
