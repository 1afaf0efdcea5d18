// Pipeline function (messages): one atomic TransactWriteItems per message, in one of three modes.
//   new      – pair guard + both member rows + both inbox rows + the message (first message of a pair)
//   existing – the message + both inbox rows moved forward, only if this message is newer than their last one
//   append   – the message + a membership check (a newer message already updated the inbox rows)
// A cancelled attempt says why; the response picks the next mode, and the next copy of this function runs it.
// An idempotency row per (sender, clientMessageId) makes a retried call return the original message, and a reuse
// of the key for another body or conversation a Conflict (the cancelled transaction wrote nothing).
import { runtime, util, type Context } from '@aws-appsync/utils';
import { IDEMPOTENCY_TTL_SECONDS, idempotencyKey, inboxPk, memberSk, messageSk, messagesPk, pairKey } from './keys.ts';
import type { MutationCreateMessageArgs, User } from './schema.generated.ts';
import { toMessage, type MessageItem, type MessageResult } from './shapes.ts';
import { ErrorType } from './error-types.ts';

type Plan = { idem: number; pair: number; inbox: number; message: number };
type Reason = { type: string; message?: string; item?: Record<string, unknown> | null };

function messageItem(ctx: Context<MutationCreateMessageArgs>): MessageItem {
  const me = ctx.stash.me as User;
  const other = ctx.stash.other as User;
  const createdAt = ctx.stash.createdAt as string;
  const messageUuid = ctx.stash.messageUuid as string;
  return {
    pk: messagesPk(ctx.stash.groupUuid as string),
    sk: messageSk(createdAt, messageUuid),
    message_uuid: messageUuid,
    user_uuid: me.id,
    user_handle: me.handle,
    user_display_name: me.displayName,
    message: ctx.args.input.body,
    created_at: createdAt,
    client_message_id: ctx.args.input.clientMessageId ?? null,
    member_uuids: me.id < other.id ? [me.id, other.id] : [other.id, me.id],
  };
}

function put(table: string, item: Record<string, unknown>, condition: string | null) {
  const key = { pk: item.pk, sk: item.sk };
  const rest = Object.assign({}, item);
  delete rest.pk;
  delete rest.sk;
  return {
    table,
    operation: 'PutItem',
    key: util.dynamodb.toMapValues(key),
    attributeValues: util.dynamodb.toMapValues(rest),
    condition: condition ? { expression: condition, returnValuesOnConditionCheckFailure: true } : undefined,
  };
}

/** Inbox row of `owner` moved to this message; `counterpart` is who the row shows as the other member. */
function advanceInbox(table: string, owner: string, counterpart: User, item: MessageItem, groupUuid: string) {
  return {
    table,
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues({ pk: inboxPk(owner), sk: groupUuid }),
    update: {
      expression:
        'SET #message = :message, last_message_at = :at, last_activity = :activity, last_sender_uuid = :sender, ' +
        'user_uuid = :other, user_handle = :handle, user_display_name = :name',
      expressionNames: { '#message': 'message' },
      expressionValues: util.dynamodb.toMapValues({
        ':message': item.message,
        ':at': item.created_at,
        ':activity': item.sk,
        ':sender': item.user_uuid,
        ':other': counterpart.id,
        ':handle': counterpart.handle,
        ':name': counterpart.displayName,
      }),
    },
    condition: {
      expression: 'attribute_exists(pk) AND last_activity < :activity',
      expressionValues: util.dynamodb.toMapValues({ ':activity': item.sk }),
      returnValuesOnConditionCheckFailure: true,
    },
  };
}

function newInboxRow(owner: string, counterpart: User, item: MessageItem, groupUuid: string) {
  return {
    pk: inboxPk(owner),
    sk: groupUuid,
    message_group_uuid: groupUuid,
    user_uuid: counterpart.id,
    user_handle: counterpart.handle,
    user_display_name: counterpart.displayName,
    message: item.message,
    last_message_at: item.created_at,
    last_activity: item.sk,
    last_sender_uuid: item.user_uuid,
  };
}

export function request(ctx: Context<MutationCreateMessageArgs>) {
  if (ctx.stash.written) {
    runtime.earlyReturn(ctx.stash.written, { skipTo: 'NEXT' });
  }
  const table = ctx.env.MESSAGES_TABLE as string;
  const me = ctx.stash.me as User;
  const other = ctx.stash.other as User;
  const groupUuid = ctx.stash.groupUuid as string;
  const mode = ctx.stash.mode as string;
  const item = messageItem(ctx);
  const items = [];
  const plan: Plan = { idem: -1, pair: -1, inbox: -1, message: -1 };
  const clientMessageId = ctx.args.input.clientMessageId;
  if (clientMessageId) {
    const idem = idempotencyKey(me.id, clientMessageId);
    plan.idem = items.length;
    items.push(
      put(
        table,
        { pk: idem.pk, sk: idem.sk, message: item, expires_at: util.time.nowEpochSeconds() + IDEMPOTENCY_TTL_SECONDS },
        'attribute_not_exists(pk)',
      ),
    );
  }
  plan.message = items.length;
  items.push(put(table, item, 'attribute_not_exists(pk)'));
  if (mode === 'new') {
    const pair = pairKey(me.id, other.id);
    plan.pair = items.length;
    items.push(
      put(
        table,
        { pk: pair.pk, sk: pair.sk, message_group_uuid: groupUuid, created_at: item.created_at },
        'attribute_not_exists(pk)',
      ),
    );
    items.push(
      put(
        table,
        { pk: messagesPk(groupUuid), sk: memberSk(me.id), user_uuid: me.id, joined_at: item.created_at },
        null,
      ),
    );
    items.push(
      put(
        table,
        { pk: messagesPk(groupUuid), sk: memberSk(other.id), user_uuid: other.id, joined_at: item.created_at },
        null,
      ),
    );
    items.push(put(table, newInboxRow(me.id, other, item, groupUuid), null));
    items.push(put(table, newInboxRow(other.id, me, item, groupUuid), null));
  } else if (mode === 'existing') {
    plan.inbox = items.length;
    items.push(advanceInbox(table, me.id, other, item, groupUuid));
    items.push(advanceInbox(table, other.id, me, item, groupUuid));
  } else {
    plan.inbox = items.length;
    items.push({
      table,
      operation: 'ConditionCheck',
      key: util.dynamodb.toMapValues({ pk: inboxPk(me.id), sk: groupUuid }),
      condition: { expression: 'attribute_exists(pk)' },
    });
  }
  ctx.stash.plan = plan;
  ctx.stash.pending = item;
  return { operation: 'TransactWriteItems', transactItems: items };
}

function written(ctx: Context, item: MessageItem): MessageResult {
  const result = toMessage(item);
  result.sender = ctx.stash.me as User;
  ctx.stash.written = result;
  return result;
}

/**
 * Whether this call asks for what the stored message already is: the same body into the same conversation. A
 * 1:1 conversation is identified by its other member (one per pair), so a retry by handle whose first attempt
 * started the conversation, or one that names the conversation instead of the handle, is the same request,
 * even when this attempt had drawn a new conversation uuid before it lost the race.
 */
function isSameMessage(ctx: Context<MutationCreateMessageArgs>, original: MessageItem): boolean {
  if (original.message !== ctx.args.input.body) {
    return false;
  }
  const other = ctx.stash.other as User;
  if (original.member_uuids && original.member_uuids.length > 0) {
    return original.member_uuids.indexOf(other.id) >= 0;
  }
  return original.pk === messagesPk(ctx.stash.groupUuid as string);
}

export function response(ctx: Context<MutationCreateMessageArgs>) {
  if (!ctx.error) {
    return written(ctx, ctx.stash.pending as MessageItem);
  }
  if (ctx.error.type !== 'DynamoDB:TransactionCanceledException') {
    util.error(ctx.error.message, ctx.error.type);
  }
  const plan = ctx.stash.plan as Plan;
  const reasons = (ctx.result as { cancellationReasons: Reason[] }).cancellationReasons;
  const failed = (index: number) =>
    index >= 0 && reasons[index] !== undefined && reasons[index]!.type === 'ConditionalCheckFailed';
  if (failed(plan.idem)) {
    // The key was used before: a retry of that call gets the original message; anything else is a conflict.
    const original = (reasons[plan.idem]!.item as { message: MessageItem }).message;
    if (!isSameMessage(ctx, original)) {
      util.error(
        'clientMessageId "' +
          ctx.args.input.clientMessageId +
          '" was already used for a different message; use a new one for a new message.',
        ErrorType.Conflict,
      );
    }
    return written(ctx, original);
  }
  if (failed(plan.pair)) {
    // Someone started our conversation a moment ago: post into theirs.
    ctx.stash.groupUuid = (reasons[plan.pair]!.item as { message_group_uuid: string }).message_group_uuid;
    ctx.stash.mode = 'existing';
    return null;
  }
  if (failed(plan.inbox) || failed(plan.inbox + 1)) {
    const mine = reasons[plan.inbox]!;
    if (mine.type === 'ConditionalCheckFailed' && !mine.item) {
      // My inbox row is gone: I am not (or no longer) a member.
      util.unauthorized();
    }
    // A newer message already moved the inbox rows forward: keep them, just add ours.
    ctx.stash.mode = 'append';
    return null;
  }
  util.error(ctx.error.message, ctx.error.type);
  return null;
}
