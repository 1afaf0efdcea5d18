// The Redis side of PUBSUB=redis, shared by the server's engine and the table's Lambda trigger
// (src/lambda/stream-fanout.ts): one Redis stream per table carries every event, appended in order (XADD, capped
// at about `maxLen` entries) and read by every instance (XREAD from the last id it saw, so an instance that lost
// its connection for a moment reads what it missed instead of losing it, as Redis pub/sub would).
import { Redis } from 'ioredis';
import type { Logger } from '../plugins/errors.ts';
import type { PubSubEvent } from './pubsub.ts';

/** The Redis stream of a table's live events. */
export const redisEventsKey = (tableName: string) => `cruddur:${tableName}:events`;

/** About this many entries stay in the stream (XADD MAXLEN ~): what an instance can catch up on after a blip. */
export const DEFAULT_MAX_LEN = 10_000;
/** An event over this many bytes of JSON is not appended (subscription events are bounded at 240 KB anyway). */
export const MAX_EVENT_BYTES = 256 * 1024;

export type Decoded =
  { readonly ok: true; readonly event: PubSubEvent } | { readonly ok: false; readonly reason: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The boundary: anything read from Redis is checked here once (another writer may share the key). */
export function decodeEvent(text: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!isRecord(value)) return { ok: false, reason: `expected an object, got ${typeof value}` };
  if (!isRecord(value.payload)) return { ok: false, reason: 'payload: expected an object' };
  switch (value.kind) {
    case 'mutation':
      if (typeof value.mutation !== 'string') return { ok: false, reason: 'mutation: expected a string' };
      return { ok: true, event: { kind: 'mutation', mutation: value.mutation, payload: value.payload } };
    case 'invalidate':
      if (typeof value.subscriptionField !== 'string')
        return { ok: false, reason: 'subscriptionField: expected a string' };
      return {
        ok: true,
        event: { kind: 'invalidate', subscriptionField: value.subscriptionField, payload: value.payload },
      };
    default:
      return { ok: false, reason: `kind: expected 'mutation' or 'invalidate', got ${JSON.stringify(value.kind)}` };
  }
}

/** Reconnect delay: doubling from 50 ms to at most 2 s, with jitter so instances do not reconnect in step. */
export function reconnectDelayMs(attempt: number, random = Math.random): number {
  return Math.min(50 * 2 ** Math.min(attempt - 1, 6), 2_000) + Math.floor(random() * 100);
}

/**
 * A connection that reconnects forever with backoff. Commands fail at once while it is down (no offline queue:
 * nothing piles up unbounded in memory); the callers retry or rely on the stream path. Logs once per outage.
 */
export function connectRedis(url: string, name: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    retryStrategy: (attempt) => reconnectDelayMs(attempt),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // A blocking XREAD answers within its BLOCK time; anything longer is a dead peer.
    commandTimeout: 15_000,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn(`[cruddur] redis ${name}: ${error.message}; reconnecting with backoff`);
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info(`[cruddur] redis ${name}: reconnected`);
  });
  return redis;
}

/** Resolves once the connection is ready; rejects after `ms` naming the URL's host (never its password). */
export async function waitReady(redis: Redis, url: string, ms = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', ready);
      const { host, port } = new URL(url);
      reject(new Error(`Redis at ${host}:${port || 6379} did not answer within ${ms} ms (REDIS_URL)`));
    }, ms);
    const ready = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', ready);
  });
}

export interface RedisEventLog {
  /** Appends the events in order, in one round trip; rejects if any was not appended. */
  append(events: readonly PubSubEvent[]): Promise<void>;
}

export function createRedisEventLog(options: {
  readonly redis: Redis;
  readonly key: string;
  readonly maxLen?: number;
}): RedisEventLog {
  const maxLen = options.maxLen ?? DEFAULT_MAX_LEN;
  return {
    async append(events) {
      if (!events.length) return;
      const pipeline = options.redis.pipeline();
      for (const event of events) {
        const text = JSON.stringify(event);
        if (Buffer.byteLength(text) > MAX_EVENT_BYTES)
          throw new Error(`an event of ${Buffer.byteLength(text)} bytes is over ${MAX_EVENT_BYTES}`);
        pipeline.xadd(options.key, 'MAXLEN', '~', maxLen, '*', 'e', text);
      }
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed || results.length !== events.length)
        throw failed?.[0] ?? new Error('Redis did not answer every append');
    },
  };
}

export interface RedisEventReader {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Reads the stream from its end at start, in order, forever: each batch goes to `onEvents`. A lost connection is
 * retried with backoff and reading resumes after the last id seen, so a blip loses nothing the stream still holds.
 */
export function createRedisEventReader(options: {
  readonly redis: Redis;
  readonly url: string;
  readonly key: string;
  readonly onEvents: (events: readonly PubSubEvent[]) => void;
  readonly logger: Logger;
  /** How long one XREAD waits for entries (default 5 s). */
  readonly blockMs?: number;
  /** Entries per read (default 1,000). */
  readonly count?: number;
}): RedisEventReader {
  const { redis, key, logger } = options;
  const blockMs = options.blockMs ?? 5_000;
  let lastId = '0-0';
  let stopped = false;
  let loop: Promise<void> | undefined;

  async function readOnce(): Promise<void> {
    const res = (await redis.xread('COUNT', options.count ?? 1_000, 'BLOCK', blockMs, 'STREAMS', key, lastId)) as
      [string, [string, string[]][]][] | null;
    const entries = res?.[0]?.[1] ?? [];
    const events: PubSubEvent[] = [];
    for (const [id, fields] of entries) {
      lastId = id;
      const text = fields[fields.indexOf('e') + 1];
      const decoded = typeof text === 'string' ? decodeEvent(text) : { ok: false as const, reason: 'no e field' };
      if (decoded.ok) events.push(decoded.event);
      else logger.warn(`[cruddur] redis ${key}: skipped entry ${id}: ${decoded.reason}`);
    }
    if (events.length) options.onEvents(events);
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      try {
        await readOnce();
        failures = 0;
      } catch (error) {
        if (stopped) return;
        failures += 1;
        if (failures === 1) logger.warn(`[cruddur] redis ${key}: read failed (${(error as Error).message}); retrying`);
        await new Promise((r) => setTimeout(r, reconnectDelayMs(failures)));
      }
    }
  }

  return {
    async start() {
      await waitReady(redis, options.url);
      // From the end: what was appended before this instance started is not news to its subscribers.
      const last = (await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as [string, string[]][];
      lastId = last[0]?.[0] ?? '0-0';
      loop = run();
    },
    async stop() {
      stopped = true;
      // A blocking read holds the connection: disconnecting ends it now rather than after blockMs.
      redis.disconnect();
      await loop;
    },
  };
}
