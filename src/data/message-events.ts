// The table-item-to-event mapping of this app, handed to the fan-out engines where the app is wired: a new message
// item on the table's stream is a `createMessage` event carrying the whole stored message, and `createMessage` is
// the one mutation whose events are deduplicated by id (a retry returns the original message and its id).
import { toMessage, type MessageItem } from '../../resolvers/lib/shapes.ts';
import { messagesPk } from '../../resolvers/lib/keys.ts';
import type { EventMapping, PubSubEvent } from '../subscriptions/pubsub.ts';

const MESSAGE_PK_PREFIX = messagesPk('');

export function isMessageItem(item: Readonly<Record<string, unknown>>): item is MessageItem {
  return typeof item.pk === 'string' && item.pk.startsWith(MESSAGE_PK_PREFIX) && typeof item.message_uuid === 'string';
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

export const MESSAGE_EVENTS: EventMapping = {
  eventFromItem: (item) => (isMessageItem(item) ? messageEventFromItem(item) : null),
  streamedMutations: new Set(['createMessage']),
};
