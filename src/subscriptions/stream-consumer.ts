// The seed's stream consumer, rebuilt: one module with a Lambda-compatible handler (DynamoDB stream event in,
// nothing out). Every new message item becomes a `createMessage` event; the inbox rows need no work here because
// the write path updates them in the same transaction. Locally the stream poller calls it; on AWS it can be the
// table's Lambda trigger, with `publish` calling the API's publishing mutation.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { toMessage, type MessageItem } from '../../resolvers/lib/shapes.ts';
import type { PubSubEvent } from './pubsub.ts';

/** The parts of AWS Lambda's DynamoDBStreamEvent this handler reads. */
export interface DynamoDBStreamEvent {
  readonly Records: readonly {
    readonly eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | string;
    readonly dynamodb?: { readonly NewImage?: Record<string, AttributeValue>; readonly SequenceNumber?: string };
  }[];
}

export function isMessageItem(item: Record<string, unknown>): item is MessageItem {
  return typeof item.pk === 'string' && item.pk.startsWith('MSG#') && typeof item.message_uuid === 'string';
}

/** The full Message payload a stored message item stands for (what a remote instance can know of it). */
export function messageEventFromItem(item: MessageItem): PubSubEvent {
  const { senderId, senderHandle, senderDisplayName, ...message } = toMessage(item);
  return {
    kind: 'mutation',
    mutation: 'createMessage',
    payload: { ...message, sender: { id: senderId, handle: senderHandle, displayName: senderDisplayName } },
  };
}

export function createStreamHandler(publish: (event: PubSubEvent) => void) {
  return async function handler(event: DynamoDBStreamEvent): Promise<void> {
    // Every record, in order: the seed's Lambda read only Records[0] and silently dropped the rest.
    for (const record of event.Records) {
      if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
      const item = unmarshall(record.dynamodb.NewImage) as Record<string, unknown>;
      if (isMessageItem(item)) publish(messageEventFromItem(item));
    }
  };
}
