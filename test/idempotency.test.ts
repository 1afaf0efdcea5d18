// clientMessageId is an idempotency key: an exact retry returns the original message, a reuse for different
// content is a Conflict that writes nothing, and racing retries store one message. Over real HTTP.
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

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

function expectConflict(res: GqlResponse) {
  expect(res.status).toBe(200);
  expect(res.data).toBeNull();
  const error = res.errors?.[0];
  expect(error?.errorType).toBe('Conflict');
  expect(error?.extensions?.errorType).toBe('Conflict');
  expect(error?.message).toMatch(/clientMessageId .* was already used for a different message; use a new one/);
}

/** Every conversation and message each user can see: unchanged by a rejected write. */
async function world(users: TestUser[]) {
  const views = [];
  for (const user of users) {
    const inbox = await server.gql(user.token, MESSAGE_GROUPS, { limit: 100 });
    expect(inbox.errors).toBeUndefined();
    const groups = inbox.data.messageGroups.items as { id: string }[];
    const messages = [];
    for (const group of groups) {
      const page = await server.gql(user.token, MESSAGES, { g: group.id, limit: 100 });
      expect(page.errors).toBeUndefined();
      messages.push(page.data.messages.items);
    }
    views.push({ inbox: inbox.data, messages });
  }
  return JSON.stringify(views);
}

describe('reusing a clientMessageId', () => {
  it('for another body in the same conversation is a Conflict and writes nothing', async () => {
    const [a, b] = await Promise.all([server.createUser('idem_a'), server.createUser('idem_b')]);
    const first = await send(server, a, { handle: b.handle, body: 'first', clientMessageId: 'k-body' });
    const before = await world([a, b]);
    for (const body of ['second', 'first ', 'First']) {
      expectConflict(
        await server.gql(a.token, CREATE_MESSAGE, {
          input: { messageGroupUuid: first.messageGroupUuid, body, clientMessageId: 'k-body' },
        }),
      );
    }
    expect(await world([a, b])).toBe(before);
  });

  it('for another conversation (by messageGroupUuid or by handle) is a Conflict and writes nothing', async () => {
    const [a, b, c] = await Promise.all([
      server.createUser('idem_c1'),
      server.createUser('idem_c2'),
      server.createUser('idem_c3'),
    ]);
    const withB = await send(server, a, { handle: b.handle, body: 'same text', clientMessageId: 'k-conv' });
    const withC = await send(server, a, { handle: c.handle, body: 'to c' });
    const before = await world([a, b, c]);
    expectConflict(
      await server.gql(a.token, CREATE_MESSAGE, {
        input: { messageGroupUuid: withC.messageGroupUuid, body: 'same text', clientMessageId: 'k-conv' },
      }),
    );
    expectConflict(
      await server.gql(a.token, CREATE_MESSAGE, {
        input: { handle: c.handle, body: 'same text', clientMessageId: 'k-conv' },
      }),
    );
    expect(await world([a, b, c])).toBe(before);
    expect(withB.messageGroupUuid).not.toBe(withC.messageGroupUuid);
  });

  it('for a user one has no conversation with yet is a Conflict and starts no conversation', async () => {
    const [a, b, d] = await Promise.all([
      server.createUser('idem_n1'),
      server.createUser('idem_n2'),
      server.createUser('idem_n3'),
    ]);
    await send(server, a, { handle: b.handle, body: 'hello', clientMessageId: 'k-new' });
    const before = await world([a, b, d]);
    expectConflict(
      await server.gql(a.token, CREATE_MESSAGE, {
        input: { handle: d.handle, body: 'hello', clientMessageId: 'k-new' },
      }),
    );
    expect(await world([a, b, d])).toBe(before);
    const inbox = await server.gql(d.token, MESSAGE_GROUPS);
    expect(inbox.data.messageGroups.items).toEqual([]);
  });

  it('is per sender: another sender may use the same key', async () => {
    const [a, b] = await Promise.all([server.createUser('idem_s1'), server.createUser('idem_s2')]);
    const mine = await send(server, a, { handle: b.handle, body: 'from a', clientMessageId: 'k-shared' });
    const theirs = await send(server, b, { handle: a.handle, body: 'from b', clientMessageId: 'k-shared' });
    expect(theirs.id).not.toBe(mine.id);
    expect(theirs.messageGroupUuid).toBe(mine.messageGroupUuid);
  });
});

describe('an exact retry', () => {
  it('by handle, whose first attempt started the conversation, returns the original message', async () => {
    const [a, b] = await Promise.all([server.createUser('idem_r1'), server.createUser('idem_r2')]);
    const input = { handle: b.handle, body: 'started it', clientMessageId: 'k-retry' };
    const original = await send(server, a, input);
    expect(await send(server, a, input)).toEqual(original);
    // The same message named by its conversation instead of the handle is the same request.
    expect(
      await send(server, a, {
        messageGroupUuid: original.messageGroupUuid,
        body: 'started it',
        clientMessageId: 'k-retry',
      }),
    ).toEqual(original);
    const page = await server.gql(b.token, MESSAGES, { g: original.messageGroupUuid, limit: 100 });
    expect(page.data.messages.items.map((m: { id: string }) => m.id)).toEqual([original.id]);
  });

  it('30 racing identical retries by handle to a new contact store one message in one conversation', async () => {
    const [a, b] = await Promise.all([server.createUser('idem_x1'), server.createUser('idem_x2')]);
    const input = { handle: b.handle, body: 'raced first message', clientMessageId: 'k-race-new' };
    const results = await Promise.all(Array.from({ length: 30 }, () => server.gql(a.token, CREATE_MESSAGE, { input })));
    for (const res of results) expect(res.errors).toBeUndefined();
    const ids = new Set(results.map((res) => res.data.createMessage.id));
    expect(ids.size).toBe(1);
    const inbox = await server.gql(b.token, MESSAGE_GROUPS);
    expect(inbox.data.messageGroups.items).toHaveLength(1);
    const group = inbox.data.messageGroups.items[0].id as string;
    const page = await server.gql(b.token, MESSAGES, { g: group, limit: 100 });
    expect(page.data.messages.items.map((m: { id: string }) => m.id)).toEqual([...ids]);
  });

  it('30 racing identical retries into an existing conversation store one message', async () => {
    const [a, b] = await Promise.all([server.createUser('idem_y1'), server.createUser('idem_y2')]);
    const first = await send(server, a, { handle: b.handle, body: 'opening' });
    const input = { messageGroupUuid: first.messageGroupUuid, body: 'raced reply', clientMessageId: 'k-race-old' };
    const results = await Promise.all(Array.from({ length: 30 }, () => server.gql(b.token, CREATE_MESSAGE, { input })));
    for (const res of results) expect(res.errors).toBeUndefined();
    expect(new Set(results.map((res) => res.data.createMessage.id)).size).toBe(1);
    const page = await server.gql(a.token, MESSAGES, { g: first.messageGroupUuid, limit: 100 });
    expect(page.data.messages.items.map((m: { body: string }) => m.body)).toEqual(['raced reply', 'opening']);
  });
});
