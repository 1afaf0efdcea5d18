// Embedded Postgres for `npm start` without DATABASE_URL: PGlite (Postgres in wasm) behind a socket server,
// so the ordinary `pg` client and pool talk to it exactly as they would to a real server.
// PGlite cannot require a password (its socket server passes the protocol through and PGlite answers every
// startup with AuthenticationOk), so with `socketDir` it listens on a unix socket in a 0700 directory: only
// this OS user (and root) can connect. Without it (tests, benchmarks), on a TCP port of 127.0.0.1.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface EmbeddedPostgres {
  readonly url: string;
  /** The unix socket's directory, when listening on one. */
  readonly socketDir: string | undefined;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Directory for the data files; omit for an in-memory database. */
  readonly dataDir?: string;
  /** Must be at least the pg pool size: PGlite refuses connections past it. */
  readonly maxConnections?: number;
  /** TCP port on 127.0.0.1 (0 or omitted: a free one), when there is no socketDir. */
  readonly port?: number;
  /** Listen on a unix socket in this directory (made 0700) instead of TCP. */
  readonly socketDir?: string;
}

/** libpq and pg name the socket `<dir>/.s.PGSQL.<port>`; the port is only part of the name. */
const SOCKET_PORT = 5432;
/** sun_path holds 104 bytes on macOS (108 on Linux), including the terminating NUL. */
const MAX_SOCKET_PATH = 103;

/** A private directory (0700, even if it existed) for the socket; a short one in tmp if `wanted` is too long. */
function privateSocketDir(wanted: string): { dir: string; temporary: boolean } {
  const dir = path.resolve(wanted);
  if (path.join(dir, `.s.PGSQL.${SOCKET_PORT}`).length <= MAX_SOCKET_PATH) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    return { dir, temporary: false };
  }
  return { dir: mkdtempSync(path.join(os.tmpdir(), 'cruddur-pg-')), temporary: true }; // mkdtemp: 0700
}

/** A socket file left by a crashed run is removed; one that answers belongs to a running instance. */
async function clearStaleSocket(file: string): Promise<void> {
  if (!existsSync(file)) return;
  const alive = await new Promise<boolean>((resolve) => {
    const socket = net.connect(file);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
  if (alive) throw new Error(`Another process is serving the embedded Postgres at ${file} (is npm start running?)`);
  rmSync(file, { force: true });
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const socket = options.socketDir ? privateSocketDir(options.socketDir) : undefined;
  const socketFile = socket ? path.join(socket.dir, `.s.PGSQL.${SOCKET_PORT}`) : undefined;
  if (socketFile) await clearStaleSocket(socketFile);
  let db: PGlite;
  if (options.dataDir) {
    // The data files are the database: as private as the socket.
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    chmodSync(options.dataDir, 0o700);
    db = await PGlite.create(path.resolve(options.dataDir));
  } else {
    db = await PGlite.create();
  }
  const server = new PGLiteSocketServer({
    db,
    ...(socketFile ? { path: socketFile } : { host: '127.0.0.1', port: options.port ?? 0 }),
    maxConnections: options.maxConnections ?? 20,
  });
  await server.start();
  const url = socketFile
    ? `postgres://postgres@${encodeURIComponent(socket!.dir)}:${SOCKET_PORT}/postgres`
    : `postgres://postgres@${server.getServerConn()}/postgres`;
  return {
    url,
    socketDir: socket?.dir,
    async stop() {
      await server.stop();
      await db.close();
      if (socketFile) rmSync(socket!.temporary ? socket!.dir : socketFile, { recursive: true, force: true });
    },
  };
}
