// A Postgres database of a test's own, to drop or recreate without disturbing concurrent tests: a new database in
// the TEST_DATABASE_URL cluster when one is configured, else an embedded in-memory PGlite.
import pg from 'pg';
import { loadUsersSchema } from '../src/data/users.ts';
import { startEmbeddedPostgres } from '../src/embedded/postgres.ts';
import { uniqueSuffix } from './helpers.ts';

export interface OwnDatabase {
  readonly url: string;
  /** Makes the database unreachable: DROP DATABASE on a real server, stop for PGlite. Idempotent. */
  drop(): Promise<void>;
}

export async function ownDatabase(options: { schema?: boolean } = {}): Promise<OwnDatabase> {
  const cluster = process.env.TEST_DATABASE_URL;
  let own: OwnDatabase;
  if (cluster) {
    const name = `cruddur_test_${uniqueSuffix()}`;
    const admin = new pg.Client({ connectionString: cluster });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`).finally(() => admin.end());
    const url = new URL(cluster);
    url.pathname = `/${name}`;
    let dropped = false;
    own = {
      url: url.toString(),
      async drop() {
        if (dropped) return;
        dropped = true;
        const client = new pg.Client({ connectionString: cluster });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => client.end());
      },
    };
  } else {
    const embedded = await startEmbeddedPostgres({ maxConnections: 20 });
    let stopped = false;
    own = {
      url: embedded.url,
      async drop() {
        if (stopped) return;
        stopped = true;
        await embedded.stop();
      },
    };
  }
  if (options.schema ?? true) {
    const pool = new pg.Pool({ connectionString: own.url, max: 1 });
    await loadUsersSchema(pool).finally(() => pool.end());
  }
  return own;
}
