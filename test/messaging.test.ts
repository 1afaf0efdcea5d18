// End to end over real HTTP: conversations, paging, idempotency and concurrency, against DynamoDB Local and Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CREATE_MESSAGE,
  MESSAGE_GROUPS,
  MESSAGES,
  send,
  startTestServer,
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

async function allMessages(user: TestUser, groupUuid: string, limit: number) {
  const ids: string[] = [];
  const bodies: string[] = [];
  let next: string | null = null;
  for (let page = 0; page < 50; page += 1) {
    const res = await server.gql(user.token, MESSAGES, { g: groupUuid, limit, next });
    expect(res.errors).toBeUndefined();
    for (const m of res.data.messages.items) {
      ids.push(m.id);
      bodies.push(m.body);
    }
    next = res.data.messages.nextToken;
    if (!next) break;
  }
  return { ids, bodies };
}

describe('conversations', () => {
  it('creates a conversation by handle that both members see, and reuses it on the next message by handle', async () => {
    const [a, b] = await Promise.all([server.createUser('alice'), server.createUser('bob')]);
    const first = await send(server, a, { handle: b.handle, body: 'hello bob' });
    expect(first).toMatchObject({ body: 'hello bob', sender: { id: a.uuid, handle: a.handle } });
    const second = await send(server, a, { handle: b.handle, body: 'are you there?' });
    expect(second.messageGroupUuid).toBe(first.messageGroupUuid);

    for (const [me, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const groups = await server.gql(me.token, MESSAGE_GROUPS);
      expect(groups.errors).toBeUndefined();
      expect(groups.data.messageGroups.items).toEqual([
        {
          id: first.messageGroupUuid,
          lastMessage: 'are you there?',
          lastMessageAt: second.createdAt,
          lastSenderId: a.uuid,
          otherUser: { id: other.uuid, handle: other.handle, displayName: other.displayName },
        },
      ]);
    }
    const reply = await send(server, b, { messageGroupUuid: first.messageGroupUuid, body: 'yes!' });
    expect(reply.messageGroupUuid).toBe(first.messageGroupUuid);
    const msgs = await server.gql(a.token, MESSAGES, { g: first.messageGroupUuid });
    expect(msgs.data.messages.items.map((m: { body: string }) => m.body)).toEqual([
      'yes!',
      'are you there?',
      'hello bob',
    ]);
    expect(msgs.data.messages.nextToken).toBeNull();
  });

  it('orders the inbox by latest activity and moves an older conversation to the top for both members', async () => {
    const [a, b, c] = await Promise.all([server.createUser('a'), server.createUser('b'), server.createUser('c')]);
    const older = await send(server, a, { handle: b.handle, body: 'older' });
    const newer = await send(server, a, { handle: c.handle, body: 'newer' });
    let inbox = await server.gql(a.token, MESSAGE_GROUPS);
    expect(inbox.data.messageGroups.items.map((g: { id: string }) => g.id)).toEqual([
      newer.messageGroupUuid,
      older.messageGroupUuid,
    ]);

    await send(server, b, { messageGroupUuid: older.messageGroupUuid, body: 'bump' });
    inbox = await server.gql(a.token, MESSAGE_GROUPS);
    expect(
      inbox.data.messageGroups.items.map((g: { id: string; lastMessage: string }) => [g.id, g.lastMessage]),
    ).toEqual([
      [older.messageGroupUuid, 'bump'],
      [newer.messageGroupUuid, 'newer'],
    ]);
    const bInbox = await server.gql(b.token, MESSAGE_GROUPS);
    expect(bInbox.data.messageGroups.items[0]).toMatchObject({
      id: older.messageGroupUuid,
      lastMessage: 'bump',
      lastSenderId: b.uuid,
    });
  });

  it('pages 45 messages at limit 20 newest first, each exactly once', async () => {
    const [a, b] = await Promise.all([server.createUser('pager'), server.createUser('paged')]);
    const first = await send(server, a, { handle: b.handle, body: 'm0' });
    for (let i = 1; i < 45; i += 1)
      await send(server, i % 2 ? b : a, { messageGroupUuid: first.messageGroupUuid, body: `m${i}` });
    const { ids, bodies } = await allMessages(b, first.messageGroupUuid, 20);
    expect(ids).toHaveLength(45);
    expect(new Set(ids).size).toBe(45);
    expect(bodies).toEqual(Array.from({ length: 45 }, (_, i) => `m${44 - i}`));
  });

  it('pages the inbox with nextToken', async () => {
    const me = await server.createUser('popular');
    const others = await Promise.all(Array.from({ length: 5 }, () => server.createUser('friend')));
    for (const other of others) await send(server, other, { handle: me.handle, body: `from ${other.handle}` });
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const res = await server.gql(me.token, MESSAGE_GROUPS, { limit: 2, next });
      expect(res.errors).toBeUndefined();
      seen.push(...res.data.messageGroups.items.map((g: { otherUser: { handle: string } }) => g.otherUser.handle));
      next = res.data.messageGroups.nextToken;
    } while (next);
    expect(seen).toEqual(others.map((o) => o.handle).reverse());
  });
});

describe('concurrency and retries', () => {
  it('10 concurrent first messages between a fresh pair leave exactly one conversation with 10 messages', async () => {
    const [a, b] = await Promise.all([server.createUser('race1'), server.createUser('race2')]);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        server.gql((i % 2 ? b : a).token, CREATE_MESSAGE, {
          input: { handle: (i % 2 ? a : b).handle, body: `first ${i}` },
        }),
      ),
    );
    for (const r of results) expect(r.errors).toBeUndefined();
    const groupIds = new Set(results.map((r) => r.data.createMessage.messageGroupUuid));
    expect(groupIds.size).toBe(1);
    const [groupUuid] = [...groupIds] as [string];
    for (const user of [a, b]) {
      const inbox = await server.gql(user.token, MESSAGE_GROUPS);
      expect(inbox.data.messageGroups.items.map((g: { id: string }) => g.id)).toEqual([groupUuid]);
    }
    const { bodies } = await allMessages(a, groupUuid, 100);
    expect(bodies.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `first ${i}`).sort());
  });

  it('50 concurrent messages into one conversation are all kept once, and the inbox shows the newest', async () => {
    const [a, b] = await Promise.all([server.createUser('busy1'), server.createUser('busy2')]);
    const first = await send(server, a, { handle: b.handle, body: 'start' });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        server.gql((i % 2 ? b : a).token, CREATE_MESSAGE, {
          input: { messageGroupUuid: first.messageGroupUuid, body: `c${i}` },
        }),
      ),
    );
    for (const r of results) expect(r.errors).toBeUndefined();
    const { ids, bodies } = await allMessages(a, first.messageGroupUuid, 100);
    expect(ids).toHaveLength(51);
    expect(new Set(ids).size).toBe(51);
    expect(bodies.slice().sort()).toEqual(['start', ...Array.from({ length: 50 }, (_, i) => `c${i}`)].sort());
    const newest = await server.gql(a.token, MESSAGES, { g: first.messageGroupUuid, limit: 1 });
    for (const user of [a, b]) {
      const inbox = await server.gql(user.token, MESSAGE_GROUPS);
      expect(inbox.data.messageGroups.items[0]).toMatchObject({
        id: first.messageGroupUuid,
        lastMessage: newest.data.messages.items[0].body,
        lastMessageAt: newest.data.messages.items[0].createdAt,
      });
    }
  });

  it('a retried createMessage with the same clientMessageId returns the original and writes nothing, also when racing', async () => {
    const [a, b] = await Promise.all([server.createUser('retry1'), server.createUser('retry2')]);
    const input = { handle: b.handle, body: 'only once', clientMessageId: 'cmid-1' };
    const original = await send(server, a, input);
    const again = await send(server, a, input);
    expect(again).toEqual(original);
    const racing = await Promise.all(
      Array.from({ length: 5 }, () =>
        send(server, a, { messageGroupUuid: original.messageGroupUuid, body: 'raced', clientMessageId: 'cmid-2' }),
      ),
    );
    expect(new Set(racing.map((m) => m.id)).size).toBe(1);
    const { bodies } = await allMessages(b, original.messageGroupUuid, 100);
    expect(bodies).toEqual(['raced', 'only once']);
  });
});

describe('profiles', () => {
  it('me is the caller; user(handle) is a short profile, or null for an unknown handle', async () => {
    const [a, b] = await Promise.all([server.createUser('prof1'), server.createUser('prof2')]);
    const me = await server.gql(a.token, '{ me { id handle displayName } }');
    expect(me.data.me).toEqual({ id: a.uuid, handle: a.handle, displayName: a.displayName });
    const other = await server.gql(a.token, 'query($h: String!) { user(handle: $h) { id handle displayName } }', {
      h: b.handle,
    });
    expect(other.data.user).toEqual({ id: b.uuid, handle: b.handle, displayName: b.displayName });
    const missing = await server.gql(a.token, 'query($h: String!) { user(handle: $h) { id } }', {
      h: 'no_such_handle_here',
    });
    expect(missing.errors).toBeUndefined();
    expect(missing.data.user).toBeNull();
  });
});
