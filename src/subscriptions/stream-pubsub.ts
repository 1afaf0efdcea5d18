// PUBSUB=dynamodb-stream: several instances share one table, and every instance delivers messages in the order
// of the table's stream, its own included, so subscribers see one conversation in one order wherever it was
// written. A message written here waits for its stream record and then goes out with the payload its mutation
// published (restricted to that mutation's selection set); one written elsewhere goes out as the stored item.
// Each message is delivered once per instance.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Logger } from '../plugins/errors.ts';
import { createRecentKeys, eventIdentity, isStreamed } from './event-identity.ts';
import { createListeners, type EventMapping, type PubSub, type PubSubEvent } from './pubsub.ts';
import { eventsFromRecords, type DynamoDBStreamEvent } from './stream-consumer.ts';
import { createStreamPoller } from './stream-poller.ts';

export interface StreamPubSubOptions {
  readonly dynamodb: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly tableName: string;
  readonly pollIntervalMs: number;
  readonly logger: Logger;
  /** The app's table-item-to-event mapping and event identity. */
  readonly events: EventMapping;
}

export function createStreamPubSub(options: StreamPubSubOptions): PubSub {
  const listeners = createListeners();
  const seen = createRecentKeys();
  const identify = eventIdentity(options.events);
  const localPayloads = new Map<string, PubSubEvent>();
  const fromStream = (event: PubSubEvent) => {
    const key = identify(event);
    if (key === null) return listeners.emit(event);
    if (!seen.firstTime(key)) return;
    const local = localPayloads.get(key);
    localPayloads.delete(key);
    listeners.emit(local ?? event);
  };
  const publish = (event: PubSubEvent) => {
    if (!isStreamed(options.events, event)) return listeners.emit(event);
    const key = identify(event);
    // Without its id it cannot be matched with its stream record, which then delivers it alone. The record may
    // also have been delivered already (a poll can beat the mutation's own response).
    if (key === null || seen.has(key)) return;
    localPayloads.set(key, event);
    if (localPayloads.size > 10_000) localPayloads.delete(localPayloads.keys().next().value as string);
  };
  const poller = createStreamPoller({
    dynamodb: options.dynamodb,
    streams: options.streams,
    tableName: options.tableName,
    pollIntervalMs: options.pollIntervalMs,
    logger: options.logger,
    onRecords: (records) =>
      eventsFromRecords(records as DynamoDBStreamEvent['Records'], options.events.eventFromItem).forEach(fromStream),
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
