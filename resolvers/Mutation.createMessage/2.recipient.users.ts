// By handle: finds the recipient in Postgres. Skipped when posting into an existing conversation.
import { runtime, util, type Context } from '@aws-appsync/utils';
import { createPgStatement, sql, toJsonObject } from '@aws-appsync/utils/rds';
import { raiseDataSourceError } from '../lib/errors.ts';
import type { MutationCreateMessageArgs } from '../lib/schema.generated.ts';
import { toUser, type UserRow } from '../lib/shapes.ts';
import { ErrorType } from '../lib/error-types.ts';

export function request(ctx: Context<MutationCreateMessageArgs>) {
  if (!ctx.args.input.handle) {
    runtime.earlyReturn(null, { skipTo: 'NEXT' });
  }
  return createPgStatement(sql`SELECT uuid, handle, display_name FROM users WHERE handle = ${ctx.args.input.handle}`);
}

export function response(ctx: Context<MutationCreateMessageArgs>) {
  raiseDataSourceError(ctx.error);
  const rows = toJsonObject(ctx.result)[0] as UserRow[];
  if (rows.length === 0) {
    util.error('No user has the handle "' + ctx.args.input.handle + '". Check the spelling.', ErrorType.NotFound);
  }
  const other = toUser(rows[0]!);
  const me = ctx.stash.me as { id: string };
  if (other.id === me.id) {
    util.error('You cannot send a message to yourself.', ErrorType.BadRequest);
  }
  ctx.stash.other = other;
  return other;
}
