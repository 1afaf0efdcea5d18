// The users read cache over real HTTP and a real Postgres server: repeated identity lookups cost no round trip,
// and a user changed or re-linked outside the server is seen at once, through Postgres change notices, on every
// instance; while the notices are down nothing is served from memory.
// Needs a Postgres server (TEST_DATABASE_URL): the embedded PGlite delivers no notices between connections.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSubForHandle } from '../src/auth/local-issuer.ts';
import { upsertUser } from '../src/data/users.ts';
import { createPostgresDataSource } from '../src/datasources/postgres/index.ts';
import { createReadCache } from '../src/datasources/postgres/read-cache.ts';
import type { RequestScope } from '../src/datasources/types.ts';
import { ownDatabase, type OwnDatabase } from './databases.ts';
import { startTestServer, uniqueSuffix, type TestServer } from './helpers.ts';

const hasServer = Boolean(process.env.TEST_DATABASE_URL);
if (!hasServer && process.env.CI === 'true')
  throw new Error('CI=true and TEST_DATABASE_URL is unset: the users cache tests need a Postgres server');
if (!hasServer)
  console.warn('test/users-cache.test.ts skipped: set TEST_DATABASE_URL (PGlite sends no change notices)');

const ME = `query Me { me { id handle displayName } }`;

describe.skipIf(!hasServer)('users read cache', () => {
  let db: OwnDatabase;
  let admin: pg.Client;
  let a: TestServer;
  let b: TestServer;
  const calls: { server: string; calls: RequestScope['calls'] }[] = [];
  const record = (server: string) => (scope: RequestScope, op: string | undefined) =>
    void (op === 'Me' && calls.push({ server, calls: { ...scope.calls } }));
  const lastCalls = (server: string) => calls.findLast((c) => c.server === server)!.calls.postgres;

  beforeAll(async () => {
    db = await ownDatabase();
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    // A long TTL: whatever is seen at once below was seen through a change notice, not through expiry.
    const env = { DATABASE_URL: db.url, USERS_CACHE_TTL_MS: '600000' };
    a = await startTestServer(env, { onRequestScope: record('a') });
    b = await startTestServer(
      { ...env, DYNAMODB_TABLE: a.config.dynamodbTable, DATA_DIR: a.config.dataDir },
      { onRequestScope: record('b') },
    );
    // Both instances listen before the tests start.
    for (const deadline = Date.now() + 5_000; (await listeners()) < 2;) {
      if (Date.now() > deadline) throw new Error('the servers did not LISTEN within 5 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await admin?.end();
    await db?.drop();
  });

  async function listeners(): Promise<number> {
    const res = await admin.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN %'`,
    );
    return res.rows[0].n as number;
  }

  const me = async (server: TestServer, token: string) => {
    const res = await server.gql(token, ME);
    return res.errors
      ? { error: res.errors[0]! }
      : (res.data.me as { id: string; handle: string; displayName: string });
  };

  it('a repeated request finds the caller without a Postgres round trip', async () => {
    const user = await a.createUser('cached');
    expect(await me(a, user.token)).toEqual({ id: user.uuid, handle: user.handle, displayName: user.displayName });
    expect(lastCalls('a')).toBe(1);
    expect(await me(a, user.token)).toEqual({ id: user.uuid, handle: user.handle, displayName: user.displayName });
    expect(lastCalls('a')).toBe(0);
  });

  it('a user changed outside the server is seen at once on every instance', async () => {
    const user = await a.createUser('renamed');
    for (const server of [a, b]) {
      await me(server, user.token);
      expect((await me(server, user.token)) as { displayName: string }).toMatchObject({
        displayName: user.displayName,
      });
      expect(lastCalls(server === a ? 'a' : 'b')).toBe(0);
    }
    await admin.query(`UPDATE users SET display_name = 'New Name' WHERE uuid = $1`, [user.uuid]);
    for (const server of [a, b])
      await expect
        .poll(async () => ((await me(server, user.token)) as { displayName: string }).displayName, { timeout: 1_000 })
        .toBe('New Name');
  });

  it('a re-linked account: the old sign-in stops working at once and the new one finds the same user', async () => {
    const user = await a.createUser('relinked');
    await me(a, user.token);
    await me(a, user.token);
    expect(lastCalls('a')).toBe(0);
    const newSub = `relinked-${uniqueSuffix()}`;
    await admin.query(`UPDATE users SET cognito_user_id = $1 WHERE uuid = $2`, [newSub, user.uuid]);
    await expect
      .poll(async () => ((await me(a, user.token)) as { error?: { errorType?: string } }).error?.errorType, {
        timeout: 1_000,
      })
      .toBe('Unauthorized');
    const newToken = a.issuer!.sign({ sub: newSub, username: user.handle });
    expect(await me(a, newToken)).toMatchObject({ id: user.uuid, handle: user.handle });
  });

  it('"no such user" is not remembered: a sign-up is seen by the very next request', async () => {
    const handle = `late_${uniqueSuffix()}`;
    const token = a.tokenFor(handle);
    for (let i = 0; i < 2; i += 1) expect(await me(a, token)).toMatchObject({ error: { errorType: 'Unauthorized' } });
    const row = await upsertUser(a.pool, { handle, displayName: 'Late', cognitoUserId: localSubForHandle(handle) });
    expect(await me(a, token)).toEqual({ id: row.uuid, handle, displayName: 'Late' });
  });

  it('while change notices are down nothing is served from memory; listening again, the cache comes back', async () => {
    const user = await a.createUser('outage');
    await me(a, user.token);
    await me(a, user.token);
    expect(lastCalls('a')).toBe(0);
    // Cut every listener's connection, as a Postgres restart or a network blip would.
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN %'`,
    );
    // The loss is noticed at once: requests go to Postgres again...
    await expect
      .poll(
        async () => {
          await me(a, user.token);
          return lastCalls('a');
        },
        { timeout: 2_000, interval: 20 },
      )
      .toBe(1);
    await admin.query(`UPDATE users SET display_name = 'During Outage' WHERE uuid = $1`, [user.uuid]);
    expect(await me(a, user.token)).toMatchObject({ displayName: 'During Outage' });
    // ...until the feed has reconnected (250 ms, doubling), when repeated reads are served from memory again.
    await expect.poll(listeners, { timeout: 5_000 }).toBe(2);
    await expect
      .poll(
        async () => {
          await me(a, user.token);
          return lastCalls('a');
        },
        { timeout: 5_000, interval: 50 },
      )
      .toBe(0);
    expect(await me(a, user.token)).toMatchObject({ displayName: 'During Outage' });
  });

  it('a write through the data source itself drops what the cache holds, before its caller sees the result', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      const users = createPostgresDataSource({ name: 'users', pool, readCache: createReadCache() });
      const scope = () => ({ perDataSource: new Map(), calls: { dynamodb: 0, postgres: 0 } });
      const user = await a.createUser('direct');
      const read = {
        statements: ['SELECT display_name FROM users WHERE uuid = :ID::uuid'],
        variableMap: { ':ID': user.uuid },
      };
      const name = async () => {
        const s = scope();
        const out = (await users.invoke(read, s)) as { result: { sqlStatementResults: any[] } };
        return { name: out.result.sqlStatementResults[0].records[0][0].stringValue, calls: s.calls.postgres };
      };
      expect(await name()).toEqual({ name: user.displayName, calls: 1 });
      expect(await name()).toEqual({ name: user.displayName, calls: 0 });
      const write = {
        statements: ['UPDATE users SET display_name = :N WHERE uuid = :ID::uuid'],
        variableMap: { ':N': 'Written', ':ID': user.uuid },
      };
      expect((await users.invoke(write, scope())).error).toBeUndefined();
      expect(await name()).toEqual({ name: 'Written', calls: 1 });
    } finally {
      await pool.end();
    }
  });
});
