// Reads one page of messages, newest first. On the first page the conversation's member rows (which sort after
// every timestamp) come first; they prove membership and are dropped from the page.
import { util, type Context } from '@aws-appsync/utils';
import { raiseDataSourceError } from '../lib/errors.ts';
import { afterBounds } from '../lib/cursor.ts';
import { MEMBER_PREFIX, memberSk, messagesPk } from '../lib/keys.ts';
import type { QueryMessagesArgs } from '../lib/schema.generated.ts';
import { toMessage, type MessageItem } from '../lib/shapes.ts';

/** A 1:1 conversation has exactly two member rows. */
const MEMBER_ROWS = 2;

export function request(ctx: Context<QueryMessagesArgs>) {
  const limit = ctx.stash.limit as number;
  const pk = messagesPk(ctx.args.messageGroupUuid);
  if (ctx.args.after) {
    const bounds = afterBounds(ctx.args.after);
    return {
      operation: 'Query',
      query: {
        expression: 'pk = :pk AND sk BETWEEN :from AND :to',
        expressionValues: { ':pk': { S: pk }, ':from': { S: bounds.from }, ':to': { S: bounds.to } },
      },
      scanIndexForward: true,
      limit: limit,
      nextToken: ctx.args.nextToken ?? undefined,
    };
  }
  return {
    operation: 'Query',
    query: { expression: 'pk = :pk', expressionValues: { ':pk': { S: pk } } },
    scanIndexForward: false,
    limit: ctx.stash.isMember ? limit : limit + MEMBER_ROWS,
    nextToken: ctx.args.nextToken ?? undefined,
  };
}

export function response(ctx: Context<QueryMessagesArgs>) {
  raiseDataSourceError(ctx.error);
  const page = ctx.result as { items: MessageItem[]; nextToken: string | null };
  const me = ctx.stash.me as { id: string };
  if (!ctx.stash.isMember && !page.items.some((item) => item.sk === memberSk(me.id))) {
    util.unauthorized();
  }
  const messages = page.items.filter((item) => !item.sk.startsWith(MEMBER_PREFIX));
  return { items: messages.map((item) => toMessage(item)), nextToken: page.nextToken ?? null };
}
