// Message.sender: the sender's current profile, batched per request like MessageGroup.otherUser. A freshly
// written message already carries its sender, so no query is made for it.
import { runtime, type Context } from '@aws-appsync/utils';
import { createPgStatement, sql, toJsonObject, typeHint } from '@aws-appsync/utils/rds';
import { raiseDataSourceError } from './lib/errors.ts';
import type { MessageResult, UserRow } from './lib/shapes.ts';
import { toUser } from './lib/shapes.ts';

export function request(ctx: Context) {
  const source = ctx.source as MessageResult;
  if (source.sender) {
    runtime.earlyReturn(source.sender);
  }
  return createPgStatement(
    sql`SELECT uuid, handle, display_name FROM users WHERE uuid = ${typeHint.UUID(source.senderId)}`,
  );
}

export function response(ctx: Context) {
  const source = ctx.source as MessageResult;
  raiseDataSourceError(ctx.error);
  const rows = toJsonObject(ctx.result)[0] as UserRow[];
  if (rows.length > 0) {
    return toUser(rows[0]!);
  }
  return { id: source.senderId, handle: source.senderHandle, displayName: source.senderDisplayName };
}
