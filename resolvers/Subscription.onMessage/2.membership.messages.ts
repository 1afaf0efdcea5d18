// Rejects subscribers who are not members of the conversation (the same answer whether or not it exists).
import { util, type Context } from '@aws-appsync/utils';
import { raiseDataSourceError } from '../lib/errors.ts';
import { memberSk, messagesPk } from '../lib/keys.ts';
import type { SubscriptionOnMessageArgs } from '../lib/schema.generated.ts';

export function request(ctx: Context<SubscriptionOnMessageArgs>) {
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
  return null;
}
