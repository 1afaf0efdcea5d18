// Embedded Postgres for `npm start` without DATABASE_URL: PGlite (Postgres in wasm) behind a socket server,
// so the ordinary `pg` client and pool talk to it exactly as they would to a real server.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export interface EmbeddedPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Directory for the data files; omit for an in-memory database. */
  readonly dataDir?: string;
  /** Must be at least the pg pool size: PGlite refuses connections past it. */
  readonly maxConnections?: number;
  readonly port?: number;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  let db: PGlite;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    db = await PGlite.create(path.resolve(options.dataDir));
  } else {
    db = await PGlite.create();
  }
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 20,
  });
  await server.start();
  const conn = server.getServerConn();
  return {
    url: `postgres://postgres@${conn}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
