// Items for the data-scale ratios, built as the write path builds them (resolvers/lib/write-message.ts): message
// items, member rows and inbox rows with the same keys (resolvers/lib/keys.ts) and attributes (shapes.ts), so a
// loaded conversation reads exactly like one written through createMessage. scale-items.test.ts compares them
// with items the API itself wrote.
import { marshall } from '@aws-sdk/util-dynamodb';
import { randomUUID } from 'node:crypto';
import { inboxPk, memberSk, messageSk, messagesPk, pairKey } from '../../resolvers/lib/keys.ts';
import type { InboxItem, MessageItem } from '../../resolvers/lib/shapes.ts';
import type { Item } from './batch-load.ts';

export interface ScaleUser {
  readonly uuid: string;
  readonly handle: string;
  readonly displayName: string;
}

/** `toMapValues` as the resolvers call it: undefined dropped, null kept as NULL. */
const toItem = (value: Record<string, unknown>): Item => marshall(value, { removeUndefinedValues: true });

export function messageItem(
  group: string,
  from: ScaleUser,
  to: ScaleUser,
  createdAt: string,
  body: string,
  id: string = randomUUID(),
): MessageItem {
  const item: MessageItem = {
    pk: messagesPk(group),
    sk: messageSk(createdAt, id),
    message_uuid: id,
    user_uuid: from.uuid,
    user_handle: from.handle,
    user_display_name: from.displayName,
    message: body,
    created_at: createdAt,
    client_message_id: null,
    member_uuids: from.uuid < to.uuid ? [from.uuid, to.uuid] : [to.uuid, from.uuid],
  };
  return item;
}

/**
 * What a conversation holds besides its messages: the pair guard and both member rows, written with the `first`
 * message (`new` mode), and both inbox rows as the `last` message left them (`existing` mode moves them).
 */
export function conversationItems(
  group: string,
  a: ScaleUser,
  b: ScaleUser,
  first: MessageItem,
  last: MessageItem,
): Item[] {
  const pair = pairKey(a.uuid, b.uuid);
  const member = (u: ScaleUser) =>
    toItem({ pk: messagesPk(group), sk: memberSk(u.uuid), user_uuid: u.uuid, joined_at: first.created_at });
  return [
    toItem({ pk: pair.pk, sk: pair.sk, message_group_uuid: group, created_at: first.created_at }),
    member(a),
    member(b),
    toItem(inboxRow(group, a, b, last)),
    toItem(inboxRow(group, b, a, last)),
  ];
}

/** `owner`'s inbox row for the conversation with `counterpart`, moved to `last` (the row after `last` was written). */
export function inboxRow(group: string, owner: ScaleUser, counterpart: ScaleUser, last: MessageItem): InboxItem {
  return {
    pk: inboxPk(owner.uuid),
    sk: group,
    message_group_uuid: group,
    user_uuid: counterpart.uuid,
    user_handle: counterpart.handle,
    user_display_name: counterpart.displayName,
    message: last.message,
    last_message_at: last.created_at,
    last_activity: last.sk,
    last_sender_uuid: last.user_uuid,
  };
}

/** The i-th of n timestamps one second apart, the last one a second before `endMs`. */
export const timeOf = (i: number, n: number, endMs: number): string => new Date(endMs - (n - i) * 1000).toISOString();

/**
 * A conversation of `count` messages between `a` and `b` (alternating senders, one second apart, the last one a
 * minute ago), with its member, pair and inbox rows. Yields marshalled items lazily; `newest` gets the last
 * `keep` message items, newest first, for checking a page against.
 */
export function* conversation(
  group: string,
  a: ScaleUser,
  b: ScaleUser,
  count: number,
  newest: MessageItem[] = [],
  keep = 0,
  endMs = Date.now() - 60_000,
): Generator<Item> {
  let first: MessageItem | null = null;
  let last: MessageItem | null = null;
  for (let i = 0; i < count; i += 1) {
    const [from, to] = i % 2 ? [b, a] : [a, b];
    last = messageItem(group, from, to, timeOf(i, count, endMs), `message ${i} of ${count} `.padEnd(100, '.'));
    first ??= last;
    if (i >= count - keep) newest.unshift(last);
    yield toItem(last);
  }
  if (first && last) yield* conversationItems(group, a, b, first, last);
}

export { toItem };
