// Postgres LISTEN on one dedicated connection: every NOTIFY on the change channel (sent by the tables' trigger,
// see src/data/users.ts) reaches `onChange`, on every instance. It says when it is listening and when not, and
// reconnects with backoff, so a Postgres restart costs a cold cache, never a stale one.
import pg from 'pg';
import type { DataSourceLogger } from '../types.ts';

/** The channel the change trigger notifies, with the table's name as the payload. */
export const CHANGE_CHANNEL = 'cruddur_table_changed';

export interface ChangeFeedOptions {
  readonly connectionString: string;
  readonly onChange: (table: string) => void;
  /** true once LISTEN is in place; false when the connection is lost (changes may be missed until it returns). */
  readonly onListening: (listening: boolean) => void;
  readonly logger: DataSourceLogger;
  /** First reconnect delay, doubled up to 10 s. */
  readonly retryMs?: number;
}

export interface ChangeFeed {
  stop(): Promise<void>;
}

export function startChangeFeed(options: ChangeFeedOptions): ChangeFeed {
  const firstDelay = options.retryMs ?? 250;
  let delay = firstDelay;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const lost = (why: string) => {
    if (stopped) return;
    options.onListening(false);
    const old = client;
    client = null;
    old?.removeAllListeners();
    void old?.end().catch(() => undefined);
    options.logger.warn(`[cruddur] Postgres change notifications lost (${why}); retrying in ${delay} ms`);
    timer = setTimeout(connect, delay);
    timer.unref();
    delay = Math.min(delay * 2, 10_000);
  };

  async function connect(): Promise<void> {
    if (stopped) return;
    const next = new pg.Client({ connectionString: options.connectionString, connectionTimeoutMillis: 3_000 });
    // Only the connection in use may report a loss; a failed attempt is handled where it failed.
    next.on('error', (error) => client === next && lost(error.message));
    next.on('end', () => client === next && lost('connection closed'));
    next.on('notification', (note) => {
      if (note.channel === CHANGE_CHANNEL) options.onChange(note.payload ?? '');
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (error) {
      next.removeAllListeners();
      void next.end().catch(() => undefined);
      return lost(error instanceof Error ? error.message : String(error));
    }
    if (stopped) return void next.end().catch(() => undefined);
    client = next;
    delay = firstDelay;
    options.onListening(true);
  }

  void connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      const old = client;
      client = null;
      old?.removeAllListeners();
      await old?.end().catch(() => undefined);
    },
  };
}
