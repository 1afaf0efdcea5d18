// Later pages and catch-up reads check membership with a read of my member row; the first newest-first page
// learns it from its own query (member rows sort above messages), so the common case costs one DynamoDB call.
import { runtime, util, type Context } from '@aws-appsync/utils';
import { raiseDataSourceError } from '../lib/errors.ts';
import { memberSk, messagesPk } from '../lib/keys.ts';
import type { QueryMessagesArgs } from '../lib/schema.generated.ts';

export function request(ctx: Context<QueryMessagesArgs>) {
  if (!ctx.args.nextToken && !ctx.args.after) {
    runtime.earlyReturn(null, { skipTo: 'NEXT' });
  }
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
