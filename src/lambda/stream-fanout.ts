// The table's Lambda trigger on AWS with PUBSUB=redis: the one reader of each stream shard. It maps the batch with
// the app's mapping and appends the events to the table's Redis stream, in record order, where every API instance
// reads them. A failure throws, so Lambda retries the batch: events appended before the failure are appended
// again, and every instance delivers an event id once. Env: REDIS_URL; DYNAMODB_TABLE (default: the table named
// in the records' eventSourceARN). The instances then run with REDIS_STREAM_READER=external.
import type { Redis } from 'ioredis';
import { MESSAGE_EVENTS } from '../data/message-events.ts';
import { connectRedis, createRedisEventLog, redisEventsKey, waitReady } from '../subscriptions/redis-events.ts';
import { eventsFromRecords, type DynamoDBStreamEvent } from '../subscriptions/stream-consumer.ts';

export type { DynamoDBStreamEvent };

export interface StreamFanoutOptions {
  readonly redisUrl: string;
  /** Unset: the table named in the records' eventSourceARN. */
  readonly tableName?: string;
  /** How long an invocation waits for Redis before failing (and being retried by Lambda). */
  readonly connectTimeoutMs?: number;
}

function tableOf(event: DynamoDBStreamEvent): string {
  const arn = event.Records.find((r) => r.eventSourceARN)?.eventSourceARN ?? '';
  const name = /:table\/([^/]+)\/stream\//.exec(arn)?.[1];
  if (!name) throw new Error('stream-fanout: set DYNAMODB_TABLE (no eventSourceARN names the table)');
  return name;
}

export function createStreamFanout(options: StreamFanoutOptions) {
  // One connection per Lambda environment, reused by its warm invocations.
  let redis: Redis | undefined;
  return {
    async handler(event: DynamoDBStreamEvent): Promise<void> {
      const events = eventsFromRecords(event.Records, MESSAGE_EVENTS.eventFromItem);
      if (!events.length) return;
      redis ??= connectRedis(options.redisUrl, 'stream-fanout', console);
      await waitReady(redis, options.redisUrl, options.connectTimeoutMs ?? 10_000);
      const key = redisEventsKey(options.tableName ?? tableOf(event));
      await createRedisEventLog({ redis, key }).append(events);
    },
    close(): void {
      redis?.disconnect();
      redis = undefined;
    },
  };
}

let fanout: ReturnType<typeof createStreamFanout> | undefined;

/** The Lambda entry point (bundled by the CDK app from this path). */
export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) throw new Error('stream-fanout: REDIS_URL is not set');
  fanout ??= createStreamFanout({ redisUrl, tableName: process.env.DYNAMODB_TABLE || undefined });
  await fanout.handler(event);
}
