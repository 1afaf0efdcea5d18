// MessageGroup.otherUser: the other member's current profile. Sibling rows share one statement, so the runtime
// batches them into one Postgres round trip; a user missing from Postgres falls back to the stored copy.
import type { Context } from '@aws-appsync/utils';
import { createPgStatement, sql, toJsonObject, typeHint } from '@aws-appsync/utils/rds';
import { raiseDataSourceError } from './lib/errors.ts';
import type { MessageGroupResult, UserRow } from './lib/shapes.ts';
import { toUser } from './lib/shapes.ts';

export function request(ctx: Context) {
  const source = ctx.source as MessageGroupResult;
  return createPgStatement(
    sql`SELECT uuid, handle, display_name FROM users WHERE uuid = ${typeHint.UUID(source.otherUserId)}`,
  );
}

export function response(ctx: Context) {
  const source = ctx.source as MessageGroupResult;
  raiseDataSourceError(ctx.error);
  const rows = toJsonObject(ctx.result)[0] as UserRow[];
  if (rows.length > 0) {
    return toUser(rows[0]!);
  }
  return { id: source.otherUserId, handle: source.otherUserHandle, displayName: source.otherUserDisplayName };
}
