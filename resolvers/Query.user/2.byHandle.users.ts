// Looks a user up by handle (case-sensitive, as handles are stored).
import type { Context } from '@aws-appsync/utils';
import { createPgStatement, sql, toJsonObject } from '@aws-appsync/utils/rds';
import { raiseDataSourceError } from '../lib/errors.ts';
import type { QueryUserArgs } from '../lib/schema.generated.ts';
import { toUser, type UserRow } from '../lib/shapes.ts';

export function request(ctx: Context<QueryUserArgs>) {
  return createPgStatement(sql`SELECT uuid, handle, display_name FROM users WHERE handle = ${ctx.args.handle}`);
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx.error);
  const rows = toJsonObject(ctx.result)[0] as UserRow[];
  return rows.length > 0 ? toUser(rows[0]!) : null;
}
