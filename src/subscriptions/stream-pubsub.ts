// PUBSUB=dynamodb-stream: several instances share one table, and every instance delivers messages in the order
// of the table's stream, its own included, so subscribers see one conversation in one order wherever it was
// written. A message written here waits for its stream record and then goes out with the payload its mutation
// published (restricted to that mutation's selection set); one written elsewhere goes out as the stored item.
// Each message is delivered once per instance.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Logger } from '../plugins/errors.ts';
import { createRecentKeys, creationKey } from './event-identity.ts';
import { createListeners, type PubSub, type PubSubEvent } from './pubsub.ts';
import { createStreamHandler, type DynamoDBStreamEvent } from './stream-consumer.ts';
import { createStreamPoller, type StreamBatch } from './stream-poller.ts';

export interface StreamPubSubOptions {
  readonly dynamodb: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly tableName: string;
  readonly pollIntervalMs: number;
  readonly logger: Logger;
  /** Sees each batch the poller reads (logs and metrics). */
  readonly onBatch?: (batch: StreamBatch) => void;
}

export function createStreamPubSub(options: StreamPubSubOptions): PubSub {
  const listeners = createListeners();
  const seen = createRecentKeys();
  const localPayloads = new Map<string, PubSubEvent>();
  const fromStream = (event: PubSubEvent) => {
    const key = creationKey(event);
    if (key === null) return listeners.emit(event);
    if (!seen.firstTime(key)) return;
    const local = localPayloads.get(key);
    localPayloads.delete(key);
    listeners.emit(local ?? event);
  };
  const publish = (event: PubSubEvent) => {
    const key = creationKey(event);
    if (key === null) return listeners.emit(event);
    // Its stream record may already have been delivered (a poll can beat the mutation's own response).
    if (seen.has(key)) return;
    localPayloads.set(key, event);
    if (localPayloads.size > 10_000) localPayloads.delete(localPayloads.keys().next().value as string);
  };
  const handler = createStreamHandler(fromStream);
  const poller = createStreamPoller({
    dynamodb: options.dynamodb,
    streams: options.streams,
    tableName: options.tableName,
    pollIntervalMs: options.pollIntervalMs,
    logger: options.logger,
    onBatch: options.onBatch,
    onRecords: (records) => handler({ Records: records } as DynamoDBStreamEvent),
  });
  return {
    publish,
    subscribe: (listener) => listeners.add(listener),
    start: () => poller.start(),
    async close() {
      await poller.stop();
      options.streams.destroy();
    },
  };
}
