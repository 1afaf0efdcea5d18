// Query.messages: one of my conversations, newest first, paginated (access pattern A). Members only.
import type { Context } from '@aws-appsync/utils';
import { pageLimit } from '../lib/paging.ts';
import type { QueryMessagesArgs } from '../lib/schema.generated.ts';

export function request(ctx: Context<QueryMessagesArgs>) {
  ctx.stash.limit = pageLimit(ctx.args.limit);
  return {};
}

export function response(ctx: Context) {
  return ctx.prev.result;
}
