// Maps stored items to the GraphQL shapes of schema.graphql (the generated types keep both in step).
import type { Message, MessageGroup, User } from './schema.generated.ts';

/** A message item as stored (DESIGN.md §4). */
export type MessageItem = {
  pk: string;
  sk: string;
  message_uuid: string;
  user_uuid: string;
  user_handle: string;
  user_display_name: string;
  message: string;
  created_at: string;
  client_message_id?: string | null;
  /** Both members, so a message alone says who may see it (the inbox subscription filters on it). */
  member_uuids?: string[];
};

/** A conversation row in a member's inbox. */
export type InboxItem = {
  pk: string;
  sk: string;
  message_group_uuid: string;
  user_uuid: string;
  user_handle: string;
  user_display_name: string;
  message: string;
  last_message_at: string;
  last_activity: string;
  last_sender_uuid: string;
};

/** Message plus what its `sender` resolver needs; `sender` is filled when the writer already knows it. */
export type MessageResult = Omit<Message, 'sender'> & {
  senderId: string;
  senderHandle: string;
  senderDisplayName: string;
  sender?: User;
};

export type MessageGroupResult = Omit<MessageGroup, 'otherUser'> & {
  otherUserId: string;
  otherUserHandle: string;
  otherUserDisplayName: string;
};

export type UserRow = { uuid: string; handle: string; display_name: string };

export function toUser(row: UserRow): User {
  return { id: row.uuid, handle: row.handle, displayName: row.display_name };
}

export function toMessage(item: MessageItem): MessageResult {
  return {
    id: item.message_uuid,
    messageGroupUuid: item.pk.slice(4),
    body: item.message,
    createdAt: item.created_at,
    clientMessageId: item.client_message_id ?? null,
    memberIds: item.member_uuids ?? [],
    cursor: item.sk,
    senderId: item.user_uuid,
    senderHandle: item.user_handle,
    senderDisplayName: item.user_display_name,
  };
}

export function toMessageGroup(item: InboxItem): MessageGroupResult {
  return {
    id: item.message_group_uuid,
    lastMessage: item.message,
    lastMessageAt: item.last_message_at,
    lastSenderId: item.last_sender_uuid,
    otherUserId: item.user_uuid,
    otherUserHandle: item.user_handle,
    otherUserDisplayName: item.user_display_name,
  };
}
