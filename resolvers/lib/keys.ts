// Single-table key formats (DESIGN.md §4). Every resolver builds keys through these, so the layout lives here.

export const MEMBER_PREFIX = 'MEMBER#';
export const INBOX_INDEX = 'last-activity-index';

/** The partition holding a conversation's messages (and its member rows). */
export function messagesPk(messageGroupUuid: string): string {
  return 'MSG#' + messageGroupUuid;
}

/** Message sort key: ISO-8601 UTC with ms, then the message uuid, so it is unique and sorts by time. */
export function messageSk(createdAt: string, messageUuid: string): string {
  return createdAt + '#' + messageUuid;
}

export function memberSk(userUuid: string): string {
  return MEMBER_PREFIX + userUuid;
}

/** A user's inbox partition: one conversation row per conversation, sort key the stable group uuid. */
export function inboxPk(userUuid: string): string {
  return 'GRP#' + userUuid;
}

/** The guard that makes one 1:1 conversation per pair of users, whichever of them writes first. */
export function pairKey(a: string, b: string): { pk: string; sk: string } {
  return a < b ? { pk: 'PAIR#' + a + '#' + b, sk: 'PAIR' } : { pk: 'PAIR#' + b + '#' + a, sk: 'PAIR' };
}

/** Remembers a sender's clientMessageId for a day, so a retried createMessage returns the original message. */
export function idempotencyKey(userUuid: string, clientMessageId: string): { pk: string; sk: string } {
  return { pk: 'IDEM#' + userUuid, sk: clientMessageId };
}

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
