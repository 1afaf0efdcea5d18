// The playground fetcher against a real HTTP server on 127.0.0.1: every tab's query carries the signed-in user's
// Authorization unless the tab has its own (GraphiQL's fetcher sends only the tab's headers), and the operation
// name of the document it sends.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createPlaygroundFetcher, withOwnOperationName } from './fetcher.ts';
import { signedIn } from './session.ts';

let server: http.Server;
let url: string;
const seen: (string | undefined)[] = [];

beforeAll(async () => {
  // graphql-ws needs a WebSocket class to create its (lazy, here never opened) client; Node 20 has none global.
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
  server = http.createServer((req, res) => {
    seen.push(req.headers.authorization);
    req.resume().on('end', () => res.setHeader('content-type', 'application/json').end('{"data":{"ok":true}}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
  signedIn.set('');
});

const run = (headers: Record<string, unknown>) =>
  Promise.resolve(createPlaygroundFetcher(url, { fetch })({ query: '{ ok }', operationName: null }, { headers }));

it('sends the signed-in user for a tab without its own Authorization', async () => {
  signedIn.set('Bearer picked');
  await expect(run({})).resolves.toEqual({ data: { ok: true } });
  await run({ 'x-other': '1' });
  expect(seen).toEqual(['Bearer picked', 'Bearer picked']);
});

it('keeps a tab’s own Authorization (any case) and sends none when nobody is signed in', async () => {
  signedIn.set('Bearer picked');
  await run({ authorization: 'Bearer own' });
  signedIn.set('');
  await run({});
  expect(seen).toEqual(['Bearer own', undefined]);
});

it('replaces an operationName the document does not define when it has one operation, and only then', () => {
  const one = 'query Profiles { me { id } }';
  const two = 'query A { me { id } }\nquery B { me { id } }';
  expect(withOwnOperationName({ query: one, operationName: 'Inbox' })).toEqual({
    query: one,
    operationName: 'Profiles',
  });
  expect(withOwnOperationName({ query: '{ me { id } }', operationName: 'Inbox' }).operationName).toBeNull();
  expect(withOwnOperationName({ query: one, operationName: 'Profiles' }).operationName).toBe('Profiles');
  expect(withOwnOperationName({ query: two, operationName: 'B' }).operationName).toBe('B');
  expect(withOwnOperationName({ query: two, operationName: 'Inbox' }).operationName).toBe('Inbox');
  expect(withOwnOperationName({ query: 'query {', operationName: 'Inbox' }).operationName).toBe('Inbox');
});
