// Input that no stored item can match is refused at the resolver boundary with BadRequest, over real HTTP and
// WebSocket: ids, handles, cursors and invisible or broken message bodies. No database error text comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { connect, type Connection } from './ws-helpers.ts';

let server: TestServer;
let a: TestUser;
let b: TestUser;
let groupUuid: string;
let cursor: string;
const connections: Connection[] = [];

beforeAll(async () => {
  server = await startTestServer();
  [a, b] = await Promise.all([server.createUser('in_a'), server.createUser('in_b')]);
  const first = await server.gql(a.token, CREATE_MESSAGE, { input: { handle: b.handle, body: 'the first' } });
  groupUuid = first.data.createMessage.messageGroupUuid;
  cursor = first.data.createMessage.cursor;
});
afterAll(async () => {
  await Promise.all(connections.map((c) => c.dispose()));
  await server?.stop();
});

/** What a user must never see in an error: backend names, SQLSTATEs, key values, addresses. */
const INTERNALS =
  /ValidationException|Postgres:|SQLSTATE|22021|invalid byte sequence|MSG#|GRP#|127\.0\.0\.1|:\d{4,5}\b/;

function expectBadRequest(res: GqlResponse, message: RegExp) {
  expect(res.status).toBe(200);
  // A non-null field's error nulls `data`; a nullable one (user) leaves `{ user: null }`.
  expect(Object.values(res.data ?? {}).every((v) => v === null)).toBe(true);
  const error = res.errors?.[0];
  expect(error?.errorType).toBe('BadRequest');
  expect(error?.extensions?.errorType).toBe('BadRequest');
  expect(error?.message).toMatch(message);
  expect(JSON.stringify(res.errors)).not.toMatch(INTERNALS);
}

async function snapshot() {
  const views = await Promise.all([
    server.gql(a.token, MESSAGES, { g: groupUuid, limit: 100 }),
    server.gql(a.token, MESSAGE_GROUPS),
    server.gql(b.token, MESSAGE_GROUPS),
  ]);
  return JSON.stringify(views.map((v) => v.data));
}

const USER = 'query($h: String!) { user(handle: $h) { id handle } }';
const CATCH_UP = 'query($g: ID!, $after: String) { messages(messageGroupUuid: $g, after: $after) { items { id } } }';
const BAD_UUIDS: [string, string][] = [
  ['empty', ''],
  ['not a uuid', 'not-a-uuid'],
  ['a uuid with a suffix', '00000000-0000-4000-8000-000000000000x'],
  ['10 KB', 'x'.repeat(10_240)],
];
const BAD_HANDLES: [string, string, RegExp][] = [
  ['empty', '', /must not be empty/],
  ['blank', '   ', /must not be empty/],
  ['with a NUL byte', 'in_a\u0000', /control character/],
  ['with an escape sequence', '\u001b[31mred', /control character/],
  ['with a newline', 'two\nlines', /control character/],
  ['with a C1 control', 'x\u0085y', /control character/],
  ['with a lone surrogate', 'x\ud800', /control character|broken/],
  ['65 characters', 'h'.repeat(65), /65 characters.*at most 64/],
  ['10 KB', 'h'.repeat(10_240), /10240 characters.*at most 64/],
];

describe('conversation ids', () => {
  it.each(BAD_UUIDS)('createMessage refuses a messageGroupUuid that is %s, writing nothing', async (_n, g) => {
    const before = await snapshot();
    const res = await server.gql(a.token, CREATE_MESSAGE, { input: { messageGroupUuid: g, body: 'x' } });
    expectBadRequest(res, /messageGroupUuid must be a conversation id/);
    expect(await snapshot()).toBe(before);
  });

  it.each(BAD_UUIDS)('messages refuses a messageGroupUuid that is %s', async (_n, g) => {
    expectBadRequest(await server.gql(a.token, MESSAGES, { g }), /messageGroupUuid must be a conversation id/);
  });

  it('a well-formed id of no conversation of mine is still Unauthorized, whatever its case', async () => {
    const res = await server.gql(a.token, MESSAGES, { g: groupUuid.toUpperCase() });
    expect(res.errors?.[0]?.errorType).toBe('Unauthorized');
  });

  it('onMessage refuses a messageGroupUuid that is not a uuid', async () => {
    const conn = connect(server.url, a.token);
    connections.push(conn);
    const listener = conn.listen('subscription($g: ID!) { onMessage(messageGroupUuid: $g) { id } }', { g: 'nope' });
    expect(await listener.waitError()).toMatchObject([
      { errorType: 'BadRequest', message: expect.stringMatching(/messageGroupUuid/) },
    ]);
  });
});

describe('handles', () => {
  it.each(BAD_HANDLES)('createMessage refuses a handle %s, writing nothing', async (_n, handle, message) => {
    const before = await snapshot();
    expectBadRequest(await server.gql(a.token, CREATE_MESSAGE, { input: { handle, body: 'hi' } }), message);
    expect(await snapshot()).toBe(before);
  });

  it.each(BAD_HANDLES)('user(handle) refuses a handle %s', async (_n, h, message) => {
    expectBadRequest(await server.gql(a.token, USER, { h }), message);
  });

  it('a 64-character handle is looked up (null when nobody has it), and a real one found', async () => {
    const res = await server.gql(a.token, USER, { h: 'h'.repeat(64) });
    expect(res.errors).toBeUndefined();
    expect(res.data.user).toBeNull();
    expect((await server.gql(a.token, USER, { h: b.handle })).data.user).toEqual({ id: b.uuid, handle: b.handle });
  });
});

describe('catch-up cursors', () => {
  it.each([
    ['from the year 9999', () => `9999-12-31T23:59:59.999Z#${groupUuid}`, /year 9999/],
    ['with month 13', () => `2026-13-01T00:00:00.000Z#${groupUuid}`, /message cursor/],
    ['with hour 24', () => `2026-01-01T24:00:00.000Z#${groupUuid}`, /message cursor/],
    ['whose id is not a uuid', () => `2026-01-01T00:00:00.000Z#${'-'.repeat(36)}`, /message cursor/],
    ['of 10 KB', () => 'x'.repeat(10_240), /message cursor/],
  ])('messages(after:) refuses a cursor %s', async (_n, after, message) => {
    expectBadRequest(await server.gql(a.token, CATCH_UP, { g: groupUuid, after: after() }), message);
  });

  it('a cursor from the year 9998 is valid and has nothing after it; a real one has what followed', async () => {
    const late = await server.gql(a.token, CATCH_UP, { g: groupUuid, after: `9998-12-31T23:59:59.999Z#${groupUuid}` });
    expect(late.errors).toBeUndefined();
    expect(late.data.messages.items).toEqual([]);
    const next = await send(server, b, { messageGroupUuid: groupUuid, body: 'after the cursor' });
    const caught = await server.gql(a.token, CATCH_UP, { g: groupUuid, after: cursor });
    expect(caught.data.messages.items).toEqual([{ id: next.id }]);
  });
});

describe('message bodies', () => {
  it.each([
    ['zero-width spaces', '\u200B\u200B\u200B'],
    ['zero-width (non-)joiners', '\u200C\u200D'],
    ['a word joiner', '\u2060'],
    ['a byte-order mark', '\uFEFF\uFEFF'],
    ['a soft hyphen', '\u00AD'],
    ['bidi controls', '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C'],
    ['invisible characters among spaces and newlines', ' \u200B\n\u2060\t\uFEFF '],
    ['tag characters (outside the BMP)', '\uDB40\uDC41\uDB40\uDC7F'],
    ['a variation selector and a Hangul filler', '\uFE0F\u3164'],
    ['1,024 zero-width spaces', '\u200B'.repeat(1024)],
  ])('refuses a body of only %s, writing nothing', async (_n, body) => {
    const before = await snapshot();
    const res = await server.gql(a.token, CREATE_MESSAGE, { input: { messageGroupUuid: groupUuid, body } });
    // JavaScript's trim() counts U+FEFF as whitespace, so a body of BOMs alone is already "empty".
    expectBadRequest(res, body.startsWith('\uFEFF') ? /empty/ : /no visible characters/);
    expect(await snapshot()).toBe(before);
  });

  it.each([
    ['a lone high surrogate at the end', 'hi \uD83D'],
    ['a lone low surrogate at the start', '\uDE00 there'],
    ['surrogates in the wrong order', 'a\uDC00\uD800b'],
  ])('refuses a body with %s, writing nothing', async (_n, body) => {
    const before = await snapshot();
    const res = await server.gql(a.token, CREATE_MESSAGE, { input: { messageGroupUuid: groupUuid, body } });
    expectBadRequest(res, /broken character/);
    expect(await snapshot()).toBe(before);
  });

  it('keeps the 1,024 limit ahead of the character checks', async () => {
    const res = await server.gql(a.token, CREATE_MESSAGE, {
      input: { messageGroupUuid: groupUuid, body: '\u200B'.repeat(1025) },
    });
    expectBadRequest(res, /1025 characters.*1024/);
  });

  it.each([
    ['an emoji', '\u{1F600}'],
    ['an emoji ZWJ sequence', '\u{1F469}\u200D\u{1F4BB}'],
    ['text with a zero-width space', 'a\u200Bb'],
    ['right-to-left text with a direction mark', '\u0645\u0631\u062D\u0628\u0627\u200F'],
    ['a flag (regional indicators)', '\u{1F1EB}\u{1F1F7}'],
  ])('accepts %s and stores it unchanged', async (_n, body) => {
    const sent = await send(server, a, { messageGroupUuid: groupUuid, body });
    expect(sent.body).toBe(body);
  });
});
