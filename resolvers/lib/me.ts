// Pipeline function (users): maps the caller's Cognito sub to their Cruddur user and puts it in stash.me.
// Every operation starts with it, so a valid token for an unknown user gets a clear Unauthorized.
import { util, type Context } from '@aws-appsync/utils';
import { createPgStatement, sql, toJsonObject } from '@aws-appsync/utils/rds';
import { raiseDataSourceError } from './errors.ts';
import { toUser, type UserRow } from './shapes.ts';
import { ErrorType } from './error-types.ts';

export function request(ctx: Context) {
  const identity = ctx.identity as { sub: string } | null;
  if (!identity || !identity.sub) {
    util.unauthorized();
  }
  return createPgStatement(sql`SELECT uuid, handle, display_name FROM users WHERE cognito_user_id = ${identity!.sub}`);
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx.error);
  const rows = toJsonObject(ctx.result)[0] as UserRow[];
  if (rows.length === 0) {
    util.error(
      'Your sign-in is valid, but no Cruddur user is linked to it: finish sign-up first.',
      ErrorType.Unauthorized,
    );
  }
  const me = toUser(rows[0]!);
  ctx.stash.me = me;
  return me;
}
