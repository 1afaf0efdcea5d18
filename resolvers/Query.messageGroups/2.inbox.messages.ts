// Reads my inbox rows through the last-activity LSI, newest first.
import type { Context } from '@aws-appsync/utils';
import { raiseDataSourceError } from '../lib/errors.ts';
import { INBOX_INDEX, inboxPk } from '../lib/keys.ts';
import type { QueryMessageGroupsArgs } from '../lib/schema.generated.ts';
import { toMessageGroup, type InboxItem } from '../lib/shapes.ts';

export function request(ctx: Context<QueryMessageGroupsArgs>) {
  const me = ctx.stash.me as { id: string };
  return {
    operation: 'Query',
    index: INBOX_INDEX,
    query: { expression: 'pk = :pk', expressionValues: { ':pk': { S: inboxPk(me.id) } } },
    scanIndexForward: false,
    limit: ctx.stash.limit as number,
    nextToken: ctx.args.nextToken ?? undefined,
  };
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx.error);
  const page = ctx.result as { items: InboxItem[]; nextToken: string | null };
  return { items: page.items.map((item) => toMessageGroup(item)), nextToken: page.nextToken ?? null };
}
