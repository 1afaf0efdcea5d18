// AppSync's own client, unmodified: aws-amplify v6's generateClient() subscribes through our AppSync real-time
// dialect and receives messages created over HTTP. Amplify always connects with wss://, so the server runs with
// TLS_CERT/TLS_KEY (a throwaway self-signed certificate made with openssl) and the client trusts that certificate.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import WS from 'ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CREATE_MESSAGE, startTestServer, type TestServer, type TestUser } from './helpers.ts';
import { sleep, until } from './ws-helpers.ts';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
if (!hasOpenssl && process.env.CI)
  throw new Error('CI must run the Amplify test: openssl is needed to make a certificate');

let server: TestServer;
let cert: Buffer;
let a: TestUser;
let b: TestUser;
let c: TestUser;

/** POST over HTTPS trusting the test certificate (fetch offers no per-request CA). */
function postTls(token: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = https.request(
      server.url,
      {
        method: 'POST',
        ca: cert,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: token,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function send(from: TestUser, input: Record<string, unknown>) {
  const res = await postTls(from.token, CREATE_MESSAGE, { input });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.createMessage as { id: string; messageGroupUuid: string; body: string };
}

/** Waits until the server holds `n` more subscriptions than when the test began (Amplify reconnects with backoff). */
let baseline = 0;
const registered = (n: number) =>
  until(() => server.server.registry.size >= baseline + n, 20_000, `${n} subscription(s) registered`);

describe.skipIf(!hasOpenssl)('aws-amplify v6 generateClient()', () => {
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    cert = readFileSync(path.join(dir, 'cert.pem'));
    server = await startTestServer({ TLS_CERT: path.join(dir, 'cert.pem'), TLS_KEY: path.join(dir, 'key.pem') });
    [a, b, c] = await Promise.all([server.createUser('amp_a'), server.createUser('amp_b'), server.createUser('amp_c')]);
    // Node 20 has no global WebSocket; Amplify uses the global one. This one trusts the test certificate.
    (globalThis as { WebSocket?: unknown }).WebSocket = class extends WS {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { ca: cert });
      }
    };
    expect(server.url).toMatch(/^https:/);
    Amplify.configure({ API: { GraphQL: { endpoint: server.url, region: 'us-east-1', defaultAuthMode: 'lambda' } } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  beforeEach(() => {
    baseline = server.server.registry.size;
  });

  it('receives onMessage events for messages created over HTTP, and a non-member is refused', async () => {
    const first = await send(a, { handle: b.handle, body: 'hello over https' });
    const client = generateClient();
    const events: any[] = [];
    const errors: any[] = [];
    const query = `subscription On($g: ID!) { onMessage(messageGroupUuid: $g) { id body sender { handle } } }`;
    const subscription = (
      client.graphql({ query, variables: { g: first.messageGroupUuid }, authMode: 'lambda', authToken: b.token }) as any
    ).subscribe({ next: (value: any) => events.push(value), error: (error: any) => errors.push(error) });
    await registered(1); // Amplify connects, then starts (start_ack); no event exists before
    const body = `live ${randomUUID()}`;
    await send(a, { messageGroupUuid: first.messageGroupUuid, body });
    await until(() => events.length === 1, 10_000, 'the Amplify event');
    expect(events[0].data.onMessage).toEqual({ id: expect.any(String), body, sender: { handle: a.handle } });
    expect(errors).toEqual([]);
    subscription.unsubscribe();
    // A non-member's subscription is refused as AppSync refuses it (Unauthorized; Amplify then drops its socket).
    const outsider = (
      client.graphql({ query, variables: { g: first.messageGroupUuid }, authMode: 'lambda', authToken: c.token }) as any
    ).subscribe({ next: () => undefined, error: (error: any) => errors.push(error) });
    await until(() => errors.length > 0, 10_000, 'the outsider refused');
    expect(JSON.stringify(errors)).toMatch(/Unauthorized/);
    outsider.unsubscribe();
  });

  it('receives onInboxMessage (its enhanced filter set from the caller) for a conversation started later', async () => {
    const client = generateClient();
    const events: any[] = [];
    const subscription = (
      client.graphql({
        query: 'subscription { onInboxMessage { id body messageGroupUuid } }',
        authMode: 'lambda',
        authToken: c.token,
      }) as any
    ).subscribe({ next: (value: any) => events.push(value), error: () => undefined });
    await registered(1);
    await send(a, { handle: b.handle, body: 'not for c' });
    const mine = await send(b, { handle: c.handle, body: 'for c, new conversation' });
    await until(() => events.length >= 1, 10_000, 'the inbox event');
    await sleep(300);
    expect(events.map((e) => e.data.onInboxMessage.id)).toEqual([mine.id]);
    subscription.unsubscribe();
  });
});
