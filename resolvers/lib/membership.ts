// Pipeline function (messages): the caller must be a member of the conversation in ctx.args.messageGroupUuid.
// One consistent read of my member row; no row is the same answer whether or not the conversation exists.
import { util, type Context } from '@aws-appsync/utils';
import { raiseDataSourceError } from './errors.ts';
import { memberSk, messagesPk } from './keys.ts';

export function request(ctx: Context<{ messageGroupUuid: string }>) {
  const me = ctx.stash.me as { id: string };
  return {
    operation: 'GetItem',
    key: { pk: { S: messagesPk(ctx.args.messageGroupUuid) }, sk: { S: memberSk(me.id) } },
    consistentRead: true,
  };
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx.error);
  if (!ctx.result) {
    util.unauthorized();
  }
  ctx.stash.isMember = true;
  return null;
}
