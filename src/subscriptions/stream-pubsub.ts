// PUBSUB=dynamodb-stream: several instances share one table. A mutation here is delivered to this instance's
// subscribers at once; other instances learn of it from the table's stream. Each instance delivers a message
// once, whichever path reaches it first (the local publish or its own write coming back through the stream).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Logger } from '../plugins/errors.ts';
import { createListeners, type PubSub, type PubSubEvent } from './pubsub.ts';
import { createStreamHandler, type DynamoDBStreamEvent } from './stream-consumer.ts';
import { createStreamPoller } from './stream-poller.ts';

export interface StreamPubSubOptions {
  readonly dynamodb: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly tableName: string;
  readonly pollIntervalMs: number;
  readonly logger: Logger;
}

/** Remembers recently delivered keys (bounded), so one event is delivered once per instance. */
export function createRecentKeys(capacity = 10_000) {
  const keys = new Set<string>();
  return {
    /** True the first time a key is seen. */
    firstTime(key: string): boolean {
      if (keys.has(key)) return false;
      keys.add(key);
      if (keys.size > capacity) keys.delete(keys.values().next().value as string);
      return true;
    },
  };
}

function dedupeKey(event: PubSubEvent): string | null {
  return event.kind === 'mutation' && typeof event.payload.id === 'string'
    ? `${event.mutation}:${event.payload.id}`
    : null;
}

export function createStreamPubSub(options: StreamPubSubOptions): PubSub {
  const listeners = createListeners();
  const seen = createRecentKeys();
  const deliver = (event: PubSubEvent) => {
    const key = dedupeKey(event);
    if (key === null || seen.firstTime(key)) listeners.emit(event);
  };
  const streams = options.streams;
  const handler = createStreamHandler(deliver);
  const poller = createStreamPoller({
    dynamodb: options.dynamodb,
    streams,
    tableName: options.tableName,
    pollIntervalMs: options.pollIntervalMs,
    logger: options.logger,
    onRecords: (records) => handler({ Records: records } as DynamoDBStreamEvent),
  });
  return {
    publish: deliver,
    subscribe: (listener) => listeners.add(listener),
    start: () => poller.start(),
    async close() {
      await poller.stop();
      streams.destroy();
    },
  };
}
