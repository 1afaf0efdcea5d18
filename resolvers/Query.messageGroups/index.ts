// Query.messageGroups: my conversations, most recent activity first (access pattern B).
import type { Context } from '@aws-appsync/utils';
import { pageLimit } from '../lib/paging.ts';
import type { QueryMessageGroupsArgs } from '../lib/schema.generated.ts';

export function request(ctx: Context<QueryMessageGroupsArgs>) {
  ctx.stash.limit = pageLimit(ctx.args.limit);
  return {};
}

export function response(ctx: Context) {
  return ctx.prev.result;
}
