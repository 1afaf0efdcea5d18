// The HTTP surface around GraphQL: no CDN-loaded landing page, health, CORS, and malformed requests.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

let server: TestServer;
let base: string;
beforeAll(async () => {
  server = await startTestServer();
  base = server.url.replace(/\/graphql$/, '');
});
afterAll(async () => {
  await server?.stop();
});

it('serves nothing that loads from a CDN when a browser opens /graphql', async () => {
  const res = await fetch(server.url, { headers: { accept: 'text/html' } });
  const body = await res.text();
  // The playground (issue 9): only our own script, from this server.
  expect(body).not.toMatch(/cdn|apollographql\.com|https?:\/\//i);
  expect(body.match(/<script[^>]*>/g)).toEqual([
    expect.stringMatching(/^<script type="module" src="\/playground\/[\w-]+\.js">$/),
  ]);
});

it('answers /health, 404s unknown paths, and allows cross-origin GraphQL calls', async () => {
  expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
  const missing = await fetch(`${base}/nope`);
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as any).errors[0].message).toMatch(/\/graphql/);
  const preflight = await fetch(server.url, {
    method: 'OPTIONS',
    headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/);
  expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
});

it('rejects a body that is not JSON, and one over 1 MB, with clear errors', async () => {
  const user = await server.createUser('http');
  const bad = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: user.token },
    body: '{"query": ',
  });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as any).errors[0]).toMatchObject({
    errorType: 'BadRequest',
    message: expect.stringMatching(/not valid JSON/),
  });
  const huge = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: user.token },
    body: JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(1_100_000) } }),
  });
  expect(huge.status).toBe(413);
  // and the server is fine afterwards
  expect((await server.gql(user.token, '{ me { handle } }')).data.me.handle).toBe(user.handle);
});

it('answers an unknown field with a ValidationError (400) naming it', async () => {
  const user = await server.createUser('http2');
  const res = await server.gql(user.token, '{ me { password } }');
  expect(res.status).toBe(400);
  expect(res.errors?.[0]).toMatchObject({ errorType: 'ValidationError', message: expect.stringMatching(/password/) });
});
