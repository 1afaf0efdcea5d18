// PUBSUB=redis: any number of instances share one table and one Redis. Every event goes through the table's Redis
// stream (redis-events.ts) and every instance delivers what it reads there, its own events included, so all
// instances deliver in one order. Two paths append messages: the fast path (the writing instance appends its
// mutation's payload at once) and the stream path (the table's stream, read by one instance under a lease or by the
// Lambda trigger on AWS, appends the stored item; it also brings what was written around the API). Each instance
// delivers a message id once, whichever path brings it first.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Logger } from '../plugins/errors.ts';
import { createRecentKeys, eventIdentity, isStreamed } from './event-identity.ts';
import { createLeasedStreamReader, type LeasedStreamReader } from './leased-stream-reader.ts';
import type { StreamBatch } from './stream-poller.ts';
import { createListeners, type EventMapping, type PubSub, type PubSubEvent } from './pubsub.ts';
import {
  connectRedis,
  createRedisEventLog,
  createRedisEventReader,
  DEFAULT_MAX_LEN,
  waitReady,
} from './redis-events.ts';
import { eventsFromRecords, type DynamoDBStreamEvent } from './stream-consumer.ts';

export interface RedisPubSubOptions {
  readonly redisUrl: string;
  /** The table's Redis stream (redisEventsKey). */
  readonly key: string;
  readonly events: EventMapping;
  /** Append a local mutation's event at once (default true); false: messages wait for the stream path. */
  readonly fastPath?: boolean;
  /** Read the table's stream under a lease (local and compose); unset: another reader appends (Lambda on AWS). */
  readonly streamReader?: {
    readonly dynamodb: DynamoDBClient;
    readonly streams: DynamoDBStreamsClient;
    readonly tableName: string;
    readonly pollIntervalMs: number;
    readonly leaseMs: number;
    /** Sees each batch the lease holder reads (logs and metrics). */
    readonly onBatch?: (batch: StreamBatch) => void;
  };
  /** About this many events stay in Redis for instances to catch up on (default 10,000). */
  readonly maxLen?: number;
  /** Message ids each instance remembers to deliver once (default 10,000: the catch-up window). */
  readonly dedupeCapacity?: number;
  /** After Redis comes back, the stream reader appends again what it appended this long before (default 10 s). */
  readonly replayWindowMs?: number;
  readonly logger: Logger;
  /** Names this process in Redis CLIENT LIST and as the lease owner (default host:pid:random). */
  readonly instanceId?: string;
}

export interface RedisPubSub extends PubSub {
  readonly instanceId: string;
  /** Whether this instance reads the table's stream now (holds the lease). */
  readonly readingStream: boolean;
}

const REPLAY_MAX_EVENTS = 1_000;

export function createRedisPubSub(options: RedisPubSubOptions): RedisPubSub {
  const { logger, redisUrl, key } = options;
  const instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const fastPath = options.fastPath ?? true;
  const replayWindowMs = options.replayWindowMs ?? 10_000;
  const listeners = createListeners();
  const seen = createRecentKeys(options.dedupeCapacity ?? DEFAULT_MAX_LEN);
  const identify = eventIdentity(options.events);

  const publisher = connectRedis(redisUrl, `cruddur:${instanceId}:append`, logger);
  const log = createRedisEventLog({ redis: publisher, key, maxLen: options.maxLen });
  const reader = createRedisEventReader({
    redis: connectRedis(redisUrl, `cruddur:${instanceId}:read`, logger),
    url: redisUrl,
    key,
    logger,
    onEvents(events) {
      for (const event of events) {
        const id = identify(event);
        if (id !== null && !seen.firstTime(id)) continue;
        listeners.emit(event);
      }
    },
  });

  // What the stream path appended lately: Redis keeps nothing across a restart, and an instance may not have read
  // the last entries before it went; appended again once Redis is back, they are delivered once (by id) at most.
  const recent: { readonly at: number; readonly event: PubSubEvent }[] = [];
  const remember = (events: readonly PubSubEvent[]) => {
    const now = Date.now();
    for (const event of events) recent.push({ at: now, event });
    while (recent.length > REPLAY_MAX_EVENTS || (recent.length && now - recent[0]!.at > replayWindowMs)) recent.shift();
  };
  let lostAt: number | undefined;
  publisher.on('close', () => (lostAt ??= Date.now()));
  publisher.on('ready', () => {
    const since = lostAt;
    lostAt = undefined;
    if (since === undefined || !stream?.reading) return;
    const replay = recent.filter((r) => since - r.at <= replayWindowMs).map((r) => r.event);
    if (!replay.length) return;
    log.append(replay).then(
      () => logger.info(`[cruddur] redis is back: appended the last ${replay.length} stream events again`),
      (error: unknown) => logger.warn('[cruddur] could not replay stream events to redis', (error as Error).message),
    );
  });

  const stream: LeasedStreamReader | undefined =
    options.streamReader &&
    createLeasedStreamReader({
      ...options.streamReader,
      owner: instanceId,
      logger,
      async onRecords(records) {
        const events = eventsFromRecords(records as DynamoDBStreamEvent['Records'], options.events.eventFromItem);
        // Rejects while Redis is down: the poller keeps its position and offers the records again.
        await log.append(events);
        remember(events);
      },
    });

  let dropped = 0;
  return {
    instanceId,
    get readingStream() {
      return stream?.reading ?? false;
    },
    publish(event) {
      // A streamed mutation's event without its id could not be told from its stream record: the record brings it.
      if (isStreamed(options.events, event) && (!fastPath || identify(event) === null)) return;
      log.append([event]).then(
        () => (dropped = 0),
        (error: unknown) => {
          // A message still comes through the stream path; an invalidation is lost (logged once per outage).
          if (dropped++ === 0) logger.warn('[cruddur] redis append failed', (error as Error).message);
        },
      );
    },
    subscribe: (listener) => listeners.add(listener),
    readiness: {
      name: 'redis',
      // Messages are still taken while Redis is down (their events wait), but live delivery is not happening.
      async check() {
        if (publisher.status !== 'ready') return { status: 'down', reason: 'cannot be reached' };
        try {
          await publisher.ping();
          return { status: 'ok' };
        } catch {
          return { status: 'down', reason: 'cannot be reached' };
        }
      },
    },
    async start() {
      await waitReady(publisher, redisUrl);
      await reader.start();
      stream?.start();
    },
    async close() {
      await stream?.stop();
      await reader.stop();
      publisher.disconnect();
      options.streamReader?.streams.destroy();
    },
  };
}
