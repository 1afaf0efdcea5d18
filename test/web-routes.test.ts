// The browser-facing HTTP surface without a browser: the playground by content negotiation (API clients
// untouched), the web app's pages, static assets (types, caching, gzip, only built files: no traversal), CSP,
// and the demo sign-in (local mode only; 404 in cognito mode).
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoUsers } from '../src/data/users.ts';
import { BUNDLES, ensureWebBuild, readManifest } from '../src/web/build.ts';
import { MAX_DEMO_TOKEN_BODY_BYTES } from '../src/web/demo-auth.ts';
import { startTestServer, type TestServer } from './helpers.ts';

let server: TestServer;
let origin: string;

/** A raw request: fetch would normalise `..` and encoded slashes away before they reach the server. */
function raw(pathname: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(`${origin}${pathname}`, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

beforeAll(async () => {
  await ensureWebBuild();
  server = await startTestServer();
  origin = new URL(server.url).origin;
});
afterAll(async () => {
  await server?.stop();
});

describe('playground at GET /graphql', () => {
  it('serves GraphiQL to a browser, with a CSP that allows only our own origin', async () => {
    const res = await fetch(server.url, { headers: HTML });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)|https?:\/\/(?!127\.0\.0\.1|localhost)/);
    const html = await res.text();
    expect(html).toMatch(/<script type="module" src="\/playground\/playground-\w+\.js">/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('leaves API clients alone: a GET without text/html is still a GraphQL request', async () => {
    const res = await fetch(`${server.url}?query=${encodeURIComponent('{ me { id } }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as { errors: { errorType: string }[] };
    expect(body.errors[0]!.errorType).toBe('UnauthorizedException');
  });

  it('serves the hashed assets with their types, immutable caching and gzip', async () => {
    const manifest = readManifest(BUNDLES[1]!.outDir)!;
    const js = await raw(`/playground/${manifest.script}`, { 'accept-encoding': 'gzip' });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['content-encoding']).toBe('gzip');
    const css = await fetch(`${origin}/playground/${manifest.styles[0]}`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await css.text()).length).toBe(manifest.files[manifest.styles[0]!]);
  });
});

describe('web app', () => {
  it('serves the app shell at /, /messages and /messages/* with a CSP', async () => {
    for (const pathname of [
      '/',
      '/messages',
      '/messages/0b8f6f1e-0000-4000-8000-000000000000',
      '/messages/new/bayko',
    ]) {
      const res = await raw(pathname, HTML);
      expect(res.status, pathname).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toContain("connect-src 'self'");
      expect(res.body).toMatch(/src="\/assets\/web-\w+\.js"/);
    }
  });

  it('serves only files of the build: no traversal, no manifest, nothing outside', async () => {
    const manifest = readManifest(BUNDLES[0]!.outDir)!;
    expect((await raw(`/assets/${manifest.script}`)).status).toBe(200);
    for (const pathname of [
      '/assets/../package.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/..\\..\\package.json',
      '/assets/manifest.json',
      '/assets/index.html',
      '/playground/../web/index.html',
      `/assets/${manifest.script}/x`,
      '/assets/',
      '/package.json',
      '/messagesx',
    ]) {
      const res = await raw(pathname);
      expect(res.status, pathname).toBe(404);
      expect(res.body).not.toContain('cruddur-messaging');
    }
    expect((await raw(`/assets/${manifest.script}`, {}, 'POST')).status).toBe(404);
  });
});

describe('demo sign-in (AUTH_MODE=local)', () => {
  it('lists the demo users and mints a token the API accepts, readable only by our own pages', async () => {
    const list = await fetch(`${origin}/auth/demo-users`);
    expect(list.status).toBe(200);
    expect(list.headers.get('access-control-allow-origin')).toBeNull();
    const { users } = (await list.json()) as { users: { handle: string }[] };
    expect(users.map((u) => u.handle)).toEqual(['andrewbrown', 'bayko', 'londo']);
    const res = await fetch(`${origin}/auth/demo-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle: 'bayko' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { token } = (await res.json()) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims['cognito:username']).toBe('bayko');
    await seedDemoUsers(server.pool);
    const me = await server.gql(token, '{ me { handle } }');
    expect(me.errors).toBeUndefined();
    expect(me.data.me.handle).toBe('bayko');
  });

  it('refuses other handles, other methods and bad bodies with a clear errorType', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${origin}/auth/demo-token`, { method: 'POST', headers: { 'content-type': type }, body });
    const cases: [Response, number, string][] = [
      [await post(JSON.stringify({ handle: 'someone_else' })), 404, 'NotFound'],
      [await post(JSON.stringify({})), 404, 'NotFound'],
      [await post('{nope'), 400, 'BadRequest'],
      [await post('handle=bayko', 'application/x-www-form-urlencoded'), 415, 'BadRequest'],
      [await post(JSON.stringify({ handle: 'x'.repeat(MAX_DEMO_TOKEN_BODY_BYTES) })), 413, 'PayloadTooLarge'],
      [await fetch(`${origin}/auth/demo-token`), 405, 'BadRequest'],
      [await fetch(`${origin}/auth/demo-users`, { method: 'DELETE' }), 405, 'BadRequest'],
    ];
    for (const [res, status, errorType] of cases) {
      expect(res.status).toBe(status);
      const body = (await res.json()) as { errors: { errorType: string; message: string }[] };
      expect(body.errors[0]!.errorType).toBe(errorType);
      expect(body.errors[0]!.message.length).toBeGreaterThan(10);
    }
    // Exactly at the bound is still read (and then refused for its handle, not its size).
    const atBound = JSON.stringify({ handle: 'x'.repeat(MAX_DEMO_TOKEN_BODY_BYTES - 13) });
    expect(atBound.length).toBe(MAX_DEMO_TOKEN_BODY_BYTES);
    expect((await post(atBound)).status).toBe(404);
  });
});

describe('demo sign-in in AUTH_MODE=cognito', () => {
  let cognito: TestServer;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-web-cognito-'));
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwksFile = path.join(dir, 'jwks.json');
    writeFileSync(
      jwksFile,
      JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k', alg: 'RS256' }] }),
    );
    cognito = await startTestServer({
      AUTH_MODE: 'cognito',
      COGNITO_USER_POOL_ID: 'eu-west-1_TestPool1',
      COGNITO_CLIENT_ID: 'web',
      COGNITO_JWKS_FILE: jwksFile,
    });
  });
  afterAll(async () => {
    await cognito?.stop();
  });

  it('does not exist: both routes are 404, and the pages still load', async () => {
    const base = new URL(cognito.url).origin;
    expect((await fetch(`${base}/auth/demo-users`)).status).toBe(404);
    const token = await fetch(`${base}/auth/demo-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle: 'bayko' }),
    });
    expect(token.status).toBe(404);
    expect(((await token.json()) as { errors: { errorType: string }[] }).errors[0]!.errorType).toBe('NotFound');
    expect((await fetch(cognito.url, { headers: HTML })).status).toBe(200);
    expect((await fetch(`${base}/messages`, { headers: HTML })).status).toBe(200);
  });
});
