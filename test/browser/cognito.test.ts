// AUTH_MODE=cognito in the browser: no demo users anywhere; the web app and the playground take a pasted token,
// the app signs in with it and out again, and the keyboard alone gets through the sign-in and the inbox.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../../src/auth/local-issuer.ts';
import { upsertUser } from '../../src/data/users.ts';
import { ensureWebBuild } from '../../src/web/build.ts';
import { startTestServer, uniqueSuffix, type TestServer } from '../helpers.ts';
import { browserMissing, external, launch, record, useBrowserTimeouts } from './browser.ts';

const missing = browserMissing();
useBrowserTimeouts();
const POOL = 'eu-west-1_WebPool1';
const CLIENT = 'cruddur-web';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe.skipIf(missing)(`cognito mode in Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let server: TestServer;
  let browser: Browser;
  const sub = randomUUID();
  const handle = `cog_${uniqueSuffix()}`;

  function token(): string {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(
      { alg: 'RS256', kid: 'k1' },
      {
        sub,
        iss: `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`,
        aud: CLIENT,
        token_use: 'id',
        'cognito:username': handle,
        iat: now,
        exp: now + 600,
      },
      privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    );
  }

  beforeAll(async () => {
    await ensureWebBuild();
    const jwksFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'cruddur-web-cognito-')), 'jwks.json');
    writeFileSync(
      jwksFile,
      JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256' }] }),
    );
    server = await startTestServer({
      AUTH_MODE: 'cognito',
      COGNITO_USER_POOL_ID: POOL,
      COGNITO_CLIENT_ID: CLIENT,
      COGNITO_JWKS_FILE: jwksFile,
    });
    await upsertUser(server.pool, { handle, displayName: 'Cognito Person', cognitoUserId: sub });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs in with a pasted token using the keyboard alone, and signs out', async () => {
    const context = await browser.newContext();
    const recorded = record(context);
    const page = await context.newPage();
    const origin = new URL(server.url).origin;
    await page.goto(`${origin}/messages`);
    await page.getByLabel('Cognito token').waitFor();
    expect(await page.getByRole('button', { name: /@andrewbrown/ }).count()).toBe(0);

    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement.id)).toBe('token');
    await page.keyboard.insertText('not a token');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('That does not look like a JWT').waitFor();

    await page.getByLabel('Cognito token').fill(`Bearer ${token()}`);
    await page.getByLabel('Cognito token').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('Cognito Person').waitFor();
    await page.getByText('No conversations yet.').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Cognito token').waitFor();
    expect(await page.evaluate(() => (globalThis as any).localStorage.getItem('cruddur.token'))).toBeNull();

    // The playground offers a token field instead of the demo users.
    await page.goto(server.url);
    await page.getByLabel('Cognito token').waitFor();
    expect(await page.getByLabel('Demo user').count()).toBe(0);

    expect(external(recorded)).toEqual([]);
    // (Chromium logs the /auth/demo-users 404 by which the pages learn they are in cognito mode.)
    expect(recorded.problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
    await context.close();
  });
});
