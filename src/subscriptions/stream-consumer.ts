// The seed's stream consumer, rebuilt: a Lambda-compatible handler (DynamoDB stream event in, nothing out) that
// turns every new item the app's mapping recognises into an event, in record order. The stream pollers call it
// locally; on AWS, src/lambda/stream-fanout.ts runs it as the table's trigger and publishes to Redis. It knows no
// item shapes: the mapping comes from where the app is wired.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { EventMapping, PubSubEvent } from './pubsub.ts';

/** The parts of AWS Lambda's DynamoDBStreamEvent this handler reads. */
export interface DynamoDBStreamEvent {
  readonly Records: readonly {
    readonly eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | string;
    /** arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label> */
    readonly eventSourceARN?: string;
    readonly dynamodb?: { readonly NewImage?: Record<string, AttributeValue>; readonly SequenceNumber?: string };
  }[];
}

/** Every record, in order (the seed's Lambda read only Records[0] and silently dropped the rest). */
export function eventsFromRecords(
  records: DynamoDBStreamEvent['Records'],
  eventFromItem: EventMapping['eventFromItem'],
): PubSubEvent[] {
  const events: PubSubEvent[] = [];
  for (const record of records) {
    // New items only: the write path updates inbox rows in the message's own transaction, so they need no work.
    if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
    const event = eventFromItem(unmarshall(record.dynamodb.NewImage) as Record<string, unknown>);
    if (event) events.push(event);
  }
  return events;
}

export function createStreamHandler(
  eventFromItem: EventMapping['eventFromItem'],
  publish: (events: readonly PubSubEvent[]) => Promise<void> | void,
) {
  return async function handler(event: DynamoDBStreamEvent): Promise<void> {
    const events = eventsFromRecords(event.Records, eventFromItem);
    if (events.length) await publish(events);
  };
}
