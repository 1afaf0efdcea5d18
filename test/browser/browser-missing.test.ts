// The browser tests can never pass by skipping in CI: without Chromium they skip with a reason on a laptop and
// fail under CI=true.
import { expect, it } from 'vitest';
import { browserMissing } from './browser.ts';

it('skips with a reason on a laptop without Chromium', () => {
  expect(browserMissing({ CHROMIUM_PATH: '/nonexistent/chromium' })).toMatch(/\/nonexistent\/chromium not found/);
});

it('fails under CI=true without Chromium', () => {
  expect(() => browserMissing({ CHROMIUM_PATH: '/nonexistent/chromium', CI: 'true' })).toThrow(/CI=true/);
});

it('finds an installed browser', () => {
  expect(browserMissing({ CHROMIUM_PATH: process.execPath, CI: 'true' })).toBeNull();
});
