// Query.messages: one of my conversations, newest first, paginated (access pattern A); with `after`, what came
// after one message, oldest first (catch-up after a reconnect). Members only.
import type { Context } from '@aws-appsync/utils';
import { checkCursor } from '../lib/cursor.ts';
import { checkGroupUuid } from '../lib/input.ts';
import { pageLimit } from '../lib/paging.ts';
import type { QueryMessagesArgs } from '../lib/schema.generated.ts';

export function request(ctx: Context<QueryMessagesArgs>) {
  checkGroupUuid(ctx.args.messageGroupUuid);
  ctx.stash.limit = pageLimit(ctx.args.limit);
  if (ctx.args.after) {
    checkCursor(ctx.args.after);
  }
  return {};
}

export function response(ctx: Context) {
  return ctx.prev.result;
}
