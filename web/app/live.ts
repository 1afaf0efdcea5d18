// Folding new messages into the cache (from the live subscription, or our own send), and catching up after a
// reconnect with messages(after:). Lists merge by id (cache.ts), so an event, a send response and a catch-up
// page for the same message leave it there once.
import type { ApolloClient } from '@apollo/client';
import type { ConversationQuery, SendMessageMutation } from './gql/graphql.ts';
import { CONVERSATION, INBOX } from './operations.ts';

export type LiveMessage = SendMessageMutation['createMessage'];

export const PAGE_SIZE = 20;
/** Catch-up reads at most this many pages of 100 after a reconnect; beyond that the newest page is re-read. */
const CATCH_UP_PAGES = 10;

export function applyMessage(client: ApolloClient, message: LiveMessage, meId: string): void {
  const { cache } = client;
  const { memberIds: _members, ...item } = message;
  // The conversation, if this page holds it (otherwise it loads when opened).
  cache.updateQuery({ query: CONVERSATION, variables: { messageGroupUuid: message.messageGroupUuid } }, (data) =>
    data ? { messages: { ...data.messages, items: [...data.messages.items, item] } } : undefined,
  );
  const inbox = cache.readQuery({ query: INBOX });
  if (!inbox) return;
  const group = inbox.messageGroups.items.find((g) => g.id === message.messageGroupUuid);
  if (group) {
    if (group.lastMessageAt > message.createdAt) return;
    cache.modify({
      id: cache.identify(group),
      fields: {
        lastMessage: () => message.body,
        lastMessageAt: () => message.createdAt,
        lastSenderId: () => message.sender.id,
      },
    });
  } else if (message.sender.id !== meId) {
    // Someone started a conversation with me: the sender is the other user, so the event is the whole row.
    cache.updateQuery({ query: INBOX }, (data) =>
      data
        ? {
            messageGroups: {
              ...data.messageGroups,
              items: [
                {
                  __typename: 'MessageGroup',
                  id: message.messageGroupUuid,
                  lastMessage: message.body,
                  lastMessageAt: message.createdAt,
                  lastSenderId: message.sender.id,
                  otherUser: message.sender,
                },
                ...data.messageGroups.items,
              ],
            },
          }
        : undefined,
    );
  } else {
    // I started it (here or elsewhere): the event does not name the other user, the inbox's first page does.
    void refreshInbox(client);
  }
}

export function refreshInbox(client: ApolloClient) {
  return client.query({ query: INBOX, variables: { limit: PAGE_SIZE }, fetchPolicy: 'network-only' });
}

/** Everything after the newest message held, oldest first, page by page: no gap, and no duplicate (merge by id). */
export async function catchUpConversation(client: ApolloClient, messageGroupUuid: string): Promise<void> {
  const held = client.cache.readQuery({ query: CONVERSATION, variables: { messageGroupUuid } });
  const after = held?.messages.items.at(-1)?.cursor;
  if (!after) return;
  let nextToken: string | null = null;
  for (let page = 0; page < CATCH_UP_PAGES; page++) {
    const result: { data?: ConversationQuery } = await client.query({
      query: CONVERSATION,
      variables: { messageGroupUuid, after, limit: 100, nextToken },
      fetchPolicy: 'network-only',
    });
    nextToken = result.data?.messages.nextToken ?? null;
    if (!nextToken) return;
  }
  await client.query({
    query: CONVERSATION,
    variables: { messageGroupUuid, limit: PAGE_SIZE },
    fetchPolicy: 'network-only',
  });
}

/** After a reconnect: the inbox's first page, the open conversation by catch-up; other held ones are dropped. */
export async function catchUp(client: ApolloClient, openGroup: string | null): Promise<void> {
  const held = client.cache.extract() as Record<string, Record<string, unknown>>;
  for (const field of Object.keys(held.ROOT_QUERY ?? {})) {
    const match = /^messages\((.*)\)$/.exec(field) ?? /^messages:(.*)$/.exec(field);
    const args = match ? (JSON.parse(match[1]!) as { messageGroupUuid?: string }) : null;
    if (args?.messageGroupUuid && args.messageGroupUuid !== openGroup) {
      client.cache.evict({
        id: 'ROOT_QUERY',
        fieldName: 'messages',
        args: { messageGroupUuid: args.messageGroupUuid },
      });
    }
  }
  await Promise.all([refreshInbox(client), openGroup ? catchUpConversation(client, openGroup) : null]);
}
