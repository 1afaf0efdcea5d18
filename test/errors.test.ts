// What users get wrong, over real HTTP: every case gets a clear error with an AppSync errorType, nothing is written.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CLIENT_ID, LOCAL_ISSUER, localSubForHandle, signJwt } from '../src/auth/local-issuer.ts';
import {
  CREATE_MESSAGE,
  MESSAGE_GROUPS,
  MESSAGES,
  send,
  startTestServer,
  type GqlResponse,
  type TestServer,
  type TestUser,
} from './helpers.ts';
import { connect, sleep } from './ws-helpers.ts';

let server: TestServer;
let a: TestUser;
let b: TestUser;
let c: TestUser;
let groupUuid: string;

beforeAll(async () => {
  server = await startTestServer();
  [a, b, c] = await Promise.all([server.createUser('err_a'), server.createUser('err_b'), server.createUser('err_c')]);
  groupUuid = (await send(server, a, { handle: b.handle, body: 'the only message' })).messageGroupUuid;
});
afterAll(async () => {
  await server?.stop();
});

function expectError(res: GqlResponse, errorType: string, status = 200, message?: RegExp) {
  expect(res.status).toBe(status);
  expect(res.errors?.length).toBeGreaterThan(0);
  const error = res.errors![0]!;
  expect(error.errorType).toBe(errorType);
  expect(error.extensions?.errorType).toBe(errorType);
  expect(error.message.length).toBeGreaterThan(10);
  if (message) expect(error.message).toMatch(message);
}

/** Both members' views of the conversation: unchanged after every rejected write. */
async function snapshot() {
  const [msgs, inboxA, inboxB, inboxC] = await Promise.all([
    server.gql(a.token, MESSAGES, { g: groupUuid, limit: 100 }),
    server.gql(a.token, MESSAGE_GROUPS),
    server.gql(b.token, MESSAGE_GROUPS),
    server.gql(c.token, MESSAGE_GROUPS),
  ]);
  return JSON.stringify([msgs.data, inboxA.data, inboxB.data, inboxC.data]);
}

function localKeyPem(): string {
  const stored = JSON.parse(readFileSync(path.join(server.config.dataDir, 'local-issuer-key.json'), 'utf8')) as {
    privateKeyPem: string;
    kid: string;
  };
  return stored.privateKeyPem;
}

function claims(handle: string, overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: localSubForHandle(handle),
    iss: LOCAL_ISSUER,
    aud: LOCAL_CLIENT_ID,
    token_use: 'id',
    iat: now,
    exp: now + 600,
    'cognito:username': handle,
    ...overrides,
  };
}

const now = () => Math.floor(Date.now() / 1000);

/** Signed with the server's own local key: only the claims under test differ from a good token. */
function signed(payload: Record<string, unknown>): string {
  return signJwt({ alg: 'RS256', kid: kid() }, payload, localKeyPem());
}

function kid(): string {
  return (
    JSON.parse(readFileSync(path.join(server.config.dataDir, 'local-issuer-key.json'), 'utf8')) as { kid: string }
  ).kid;
}

describe('credentials', () => {
  const query = '{ me { id handle } }';
  it.each([
    ['no token', () => null, /Missing credentials/],
    ['an empty Bearer', () => 'Bearer ', /no token/],
    ['a malformed token', () => 'not-a-jwt', /well-formed/],
    ['an expired token', () => server.tokenFor(a.handle, -60), /expired/],
    [
      'a wrong issuer',
      () => signJwt({ alg: 'RS256', kid: kid() }, claims(a.handle, { iss: 'https://evil.example.com' }), localKeyPem()),
      /issu|iss/i,
    ],
    [
      'a wrong audience',
      () => signJwt({ alg: 'RS256', kid: kid() }, claims(a.handle, { aud: 'someone-else' }), localKeyPem()),
      /not issued for this API|audience|client/i,
    ],
    ['a tampered signature', () => tamper(server.tokenFor(a.handle)), /signature/],
    [
      'a token signed by another key',
      () => signJwt({ alg: 'RS256', kid: kid() }, claims(a.handle), otherKeyPem()),
      /signature/,
    ],
    ['alg none', () => unsigned(claims(a.handle)), /./],
    ['a token without exp', () => signed(claims(a.handle, { exp: undefined })), /no expiry \(exp claim\)/],
    [
      'a token issued 10 minutes in the future',
      () => signed(claims(a.handle, { iat: now() + 600, exp: now() + 1200 })),
      /issued in the future.*300 s/,
    ],
  ])('rejects %s with 401 UnauthorizedException', async (_name, token, message) => {
    const res = await server.gql(token(), query);
    expectError(res, 'UnauthorizedException', 401, message);
    expect(res.data ?? null).toBeNull();
  });

  it('accepts a token issued up to 5 minutes ahead of the server clock (issuer clock skew)', async () => {
    const res = await server.gql(signed(claims(a.handle, { iat: now() + 240, exp: now() + 900 })), query);
    expect(res.errors).toBeUndefined();
    expect(res.data.me.id).toBe(a.uuid);
  });

  it('closes a WebSocket whose connection_init carries a token without exp (it would never expire)', async () => {
    const conn = connect(server.url, signed(claims(a.handle, { exp: undefined })));
    const listener = conn.listen('subscription { onInboxMessage { id } }');
    const closed = await Promise.race([conn.closed, sleep(5_000).then(() => null)]);
    expect(closed?.code).toBe(4403);
    expect(closed?.reason).toMatch(/no expiry/);
    expect(listener.events).toEqual([]);
    await conn.dispose();
  });

  it('accepts the token with or without "Bearer "', async () => {
    for (const auth of [a.token, `Bearer ${a.token}`]) {
      const res = await server.gql(auth, query);
      expect(res.errors).toBeUndefined();
      expect(res.data.me).toEqual({ id: a.uuid, handle: a.handle });
    }
  });

  it('rejects a valid token for a user who is not in Postgres, and writes nothing', async () => {
    const before = await snapshot();
    const ghost = server.tokenFor('ghost_user_never_created');
    expectError(await server.gql(ghost, query), 'Unauthorized', 200, /no Cruddur user/);
    expectError(await server.gql(ghost, CREATE_MESSAGE, { input: { handle: a.handle, body: 'boo' } }), 'Unauthorized');
    expect(await snapshot()).toBe(before);
  });
});

function tamper(token: string): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const flipped = s[5] === 'A' ? 'B' : 'A';
  return `${h}.${p}.${s.slice(0, 5)}${flipped}${s.slice(6)}`;
}

function otherKeyPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
}

function unsigned(payload: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(payload)}.`;
}

describe('other people’s conversations', () => {
  it('cannot read a conversation one is not in, with the same error as for one that does not exist', async () => {
    const foreign = await server.gql(c.token, MESSAGES, { g: groupUuid });
    const missing = await server.gql(c.token, MESSAGES, { g: '00000000-0000-4000-8000-000000000000' });
    expectError(foreign, 'Unauthorized');
    expectError(missing, 'Unauthorized');
    expect(foreign.errors![0]!.message).toBe(missing.errors![0]!.message);
    expect(JSON.stringify(foreign)).not.toContain('the only message');
  });

  it('cannot read later pages of a conversation one is not in, even with a valid nextToken', async () => {
    for (let i = 0; i < 3; i += 1) await send(server, b, { messageGroupUuid: groupUuid, body: `page filler ${i}` });
    const page = await server.gql(a.token, MESSAGES, { g: groupUuid, limit: 1 });
    expect(page.data.messages.nextToken).toBeTruthy();
    const stolen = await server.gql(c.token, MESSAGES, { g: groupUuid, limit: 1, next: page.data.messages.nextToken });
    expectError(stolen, 'Unauthorized');
    expect(JSON.stringify(stolen)).not.toContain('filler');
  });

  it('cannot post into a conversation one is not in (or that does not exist), and nothing is written', async () => {
    const before = await snapshot();
    expectError(
      await server.gql(c.token, CREATE_MESSAGE, { input: { messageGroupUuid: groupUuid, body: 'intrusion' } }),
      'Unauthorized',
    );
    expectError(
      await server.gql(c.token, CREATE_MESSAGE, {
        input: { messageGroupUuid: '00000000-0000-4000-8000-000000000000', body: 'x' },
      }),
      'Unauthorized',
    );
    expect(await snapshot()).toBe(before);
  });
});

describe('createMessage input', () => {
  it.each([
    ['an empty message', () => ({ messageGroupUuid: groupUuid, body: '' }), 'BadRequest', /empty/],
    ['a whitespace-only message', () => ({ messageGroupUuid: groupUuid, body: ' \n\t ' }), 'BadRequest', /empty/],
    [
      'a message over 1,024 characters',
      () => ({ messageGroupUuid: groupUuid, body: 'x'.repeat(1025) }),
      'BadRequest',
      /1025 characters.*1024/,
    ],
    [
      'both conversation and handle',
      () => ({ messageGroupUuid: groupUuid, handle: b.handle, body: 'hi' }),
      'BadRequest',
      /exactly one/,
    ],
    ['neither conversation nor handle', () => ({ body: 'hi' }), 'BadRequest', /exactly one/],
    ['an unknown handle', () => ({ handle: 'nobody_by_this_name', body: 'hi' }), 'NotFound', /nobody_by_this_name/],
    ['messaging oneself', () => ({ handle: a.handle, body: 'hi me' }), 'BadRequest', /yourself/],
    [
      'a malformed clientMessageId',
      () => ({ messageGroupUuid: groupUuid, body: 'hi', clientMessageId: 'has spaces!' }),
      'BadRequest',
      /clientMessageId/,
    ],
  ])('rejects %s and writes nothing', async (_name, input, errorType, message) => {
    const before = await snapshot();
    const res = await server.gql(a.token, CREATE_MESSAGE, { input: input() });
    expectError(res, errorType, 200, message);
    expect(res.data).toBeNull();
    expect(await snapshot()).toBe(before);
  });

  it('accepts exactly 1,024 characters', async () => {
    const res = await server.gql(a.token, CREATE_MESSAGE, {
      input: { messageGroupUuid: groupUuid, body: 'y'.repeat(1024) },
    });
    expect(res.errors).toBeUndefined();
  });

  it('rejects a missing body as a GraphQL validation error', async () => {
    const res = await server.gql(a.token, CREATE_MESSAGE, { input: { messageGroupUuid: groupUuid } });
    expectError(res, 'ValidationError', 400);
  });
});

describe('paging input', () => {
  it.each([0, 101, -1])('rejects limit %i', async (limit) => {
    expectError(await server.gql(a.token, MESSAGES, { g: groupUuid, limit }), 'BadRequest', 200, /limit/);
    expectError(await server.gql(a.token, MESSAGE_GROUPS, { limit }), 'BadRequest', 200, /limit/);
  });

  it('rejects a tampered nextToken and one taken from another conversation', async () => {
    const other = await send(server, a, { handle: c.handle, body: 'other conversation' });
    await send(server, c, { messageGroupUuid: other.messageGroupUuid, body: 'second' });
    const page = await server.gql(a.token, MESSAGES, { g: other.messageGroupUuid, limit: 1 });
    const token = page.data.messages.nextToken as string;
    expect(token).toBeTruthy();
    const flipped = token.slice(0, 10) + (token[10] === 'a' ? 'b' : 'a') + token.slice(11);
    for (const bad of [flipped, 'garbage', token.slice(0, -4)]) {
      expectError(
        await server.gql(a.token, MESSAGES, { g: other.messageGroupUuid, limit: 1, next: bad }),
        'BadRequest',
        200,
        /nextToken/,
      );
    }
    // a member of both conversations replays one conversation's token on the other
    expectError(
      await server.gql(a.token, MESSAGES, { g: groupUuid, limit: 1, next: token }),
      'BadRequest',
      200,
      /nextToken/,
    );
    // an inbox token is not a messages token either
    expectError(await server.gql(a.token, MESSAGE_GROUPS, { limit: 1, next: token }), 'BadRequest', 200, /nextToken/);
  });
});
