// Demo users keep their uuids when the users table is lost and re-seeded, so their DynamoDB conversations
// (keyed by user uuid) stay theirs.
import { afterAll, expect, it } from 'vitest';
import { demoUuidForHandle, DEMO_USERS, loadUsersSchema, seedDemoUsers } from '../src/data/users.ts';
import { ownDatabase, type OwnDatabase } from './databases.ts';
import { MESSAGE_GROUPS, startTestServer, type TestServer } from './helpers.ts';

let server: TestServer | undefined;
let db: OwnDatabase | undefined;
afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

const demoIds = async (s: TestServer) =>
  (await s.pool.query<{ handle: string; uuid: string }>('SELECT handle, uuid FROM users ORDER BY handle')).rows;

it('derives each demo uuid from the handle: stable, distinct, a valid version-8 uuid', () => {
  const ids = DEMO_USERS.map((u) => demoUuidForHandle(u.handle));
  expect(new Set(ids).size).toBe(DEMO_USERS.length);
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(demoUuidForHandle('andrewbrown')).toBe(ids[0]);
});

it('re-seeding a recreated users table gives the demo users their old uuids and conversations', async () => {
  db = await ownDatabase();
  server = await startTestServer({ DATABASE_URL: db.url, SEED: 'true' });
  const before = await demoIds(server);
  expect(before.map((r) => r.handle)).toEqual(['andrewbrown', 'bayko', 'londo']);
  const andrew = server.tokenFor('andrewbrown');
  const inbox = await server.gql(andrew, MESSAGE_GROUPS);
  expect(inbox.errors).toBeUndefined();
  const groups = inbox.data.messageGroups.items.map((g: { id: string }) => g.id);
  expect(groups).toHaveLength(2);

  // The Postgres data is lost (a new volume, a dropped table) while DynamoDB keeps the conversations.
  await server.pool.query('DROP TABLE users');
  await loadUsersSchema(server.pool);
  await seedDemoUsers(server.pool);

  expect(await demoIds(server)).toEqual(before);
  const again = await server.gql(andrew, MESSAGE_GROUPS);
  expect(again.errors).toBeUndefined();
  expect(again.data.messageGroups.items.map((g: { id: string }) => g.id)).toEqual(groups);
  expect(
    again.data.messageGroups.items.map((g: { otherUser: { handle: string } | null }) => g.otherUser?.handle),
  ).toEqual(['londo', 'bayko']);
});
