// The embedded databases of `npm start` are not open to others: DynamoDB Local (no authentication of its own)
// listens on 127.0.0.1 only, and PGlite (which cannot require a password) on a unix socket in a 0700 directory,
// with the data directories 0700 too.
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadUsersSchema } from '../src/data/users.ts';
import { startEmbeddedPostgres } from '../src/embedded/postgres.ts';
import { startTestServer } from './helpers.ts';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

function connects(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host, timeout: 2_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

/** An address of this machine that is not loopback (the one other hosts on its network would use). */
function externalAddress(): string {
  const all = Object.values(os.networkInterfaces()).flatMap((list) => list ?? []);
  const address = all.find((a) => !a.internal && a.family === 'IPv4') ?? all.find((a) => !a.internal);
  if (!address) throw new Error('this machine has no non-loopback address to test against');
  return address.address;
}

const mode = (p: string) => statSync(p).mode & 0o777;

it(
  "npm start's embedded services: DynamoDB Local on loopback only, Postgres on a private unix socket",
  {
    timeout: 120_000,
  },
  async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-private-'));
    const server = await startTestServer({ DYNAMODB_ENDPOINT: '', DATABASE_URL: '', DATA_DIR: dataDir });
    cleanup.push(() => server.stop());

    const ddbPort = Number(new URL(server.dynamodbEndpoint!).port);
    expect(await connects(ddbPort, '127.0.0.1')).toBe(true);
    expect(await connects(ddbPort, externalAddress())).toBe(false);

    const socketDir = path.join(dataDir, 'postgres-socket');
    expect(server.databaseUrl).toBe(`postgres://postgres@${encodeURIComponent(socketDir)}:5432/postgres`);
    expect(statSync(path.join(socketDir, '.s.PGSQL.5432')).isSocket()).toBe(true);
    expect(mode(socketDir)).toBe(0o700);
    expect(mode(path.join(dataDir, 'postgres'))).toBe(0o700);
    expect(mode(path.join(dataDir, 'dynamodb'))).toBe(0o700);

    // And the API works over both.
    await loadUsersSchema(server.pool);
    const user = await server.createUser('private');
    expect((await server.gql(user.token, '{ me { handle } }')).data.me.handle).toBe(user.handle);
  },
);

describe('embedded Postgres on a unix socket', () => {
  it('makes the socket directory private, replaces a stale socket file, refuses a second instance', async () => {
    const socketDir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-sock-'));
    chmodSync(socketDir, 0o755);
    writeFileSync(path.join(socketDir, '.s.PGSQL.5432'), ''); // what a killed process leaves behind
    const embedded = await startEmbeddedPostgres({ socketDir });
    cleanup.push(() => embedded.stop());
    expect(mode(socketDir)).toBe(0o700);
    expect(statSync(path.join(socketDir, '.s.PGSQL.5432')).isSocket()).toBe(true);
    const client = new pg.Client({ connectionString: embedded.url });
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await client.end();
    await expect(startEmbeddedPostgres({ socketDir })).rejects.toThrow(/Another process is serving/);
  });

  it('is needed because PGlite cannot require a password: any password is accepted over TCP', async () => {
    // If this ever fails, PGlite learned authentication: require a password as well (README security notes).
    const embedded = await startEmbeddedPostgres();
    cleanup.push(() => embedded.stop());
    const url = new URL(embedded.url);
    url.password = 'certainly-not-the-password';
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await client.end();
  });
});
