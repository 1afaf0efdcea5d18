// Finds the conversation: by uuid, my inbox row (which proves membership and names the other member); by
// handle, the pair guard (our existing 1:1 conversation, if any). Also fixes the new message's id and time.
import { util, type Context } from '@aws-appsync/utils';
import { raiseDataSourceError } from '../lib/errors.ts';
import { inboxPk, pairKey } from '../lib/keys.ts';
import type { MutationCreateMessageArgs } from '../lib/schema.generated.ts';
import type { InboxItem } from '../lib/shapes.ts';

export function request(ctx: Context<MutationCreateMessageArgs>) {
  const me = ctx.stash.me as { id: string };
  ctx.stash.messageUuid = util.autoId();
  ctx.stash.createdAt = util.time.nowISO8601();
  const groupUuid = ctx.args.input.messageGroupUuid;
  if (groupUuid) {
    return { operation: 'GetItem', key: { pk: { S: inboxPk(me.id) }, sk: { S: groupUuid } }, consistentRead: true };
  }
  const other = ctx.stash.other as { id: string };
  const pair = pairKey(me.id, other.id);
  return { operation: 'GetItem', key: { pk: { S: pair.pk }, sk: { S: pair.sk } }, consistentRead: true };
}

export function response(ctx: Context<MutationCreateMessageArgs>) {
  raiseDataSourceError(ctx.error);
  if (ctx.args.input.messageGroupUuid) {
    const row = ctx.result as InboxItem | null;
    if (!row) {
      util.unauthorized();
    }
    ctx.stash.other = { id: row!.user_uuid, handle: row!.user_handle, displayName: row!.user_display_name };
    ctx.stash.groupUuid = row!.message_group_uuid;
    ctx.stash.mode = 'existing';
  } else if (ctx.result) {
    ctx.stash.groupUuid = (ctx.result as { message_group_uuid: string }).message_group_uuid;
    ctx.stash.mode = 'existing';
  } else {
    ctx.stash.groupUuid = util.autoId();
    ctx.stash.mode = 'new';
  }
  return null;
}
