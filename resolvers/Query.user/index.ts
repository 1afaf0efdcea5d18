// Query.user(handle): a user's short profile, or null when nobody has that handle. A handle nobody can have
// (empty, over 64 characters, control characters) is a BadRequest, not null: the caller has a bug to see.
import type { Context } from '@aws-appsync/utils';
import { checkHandle } from '../lib/input.ts';
import type { QueryUserArgs } from '../lib/schema.generated.ts';

export function request(ctx: Context<QueryUserArgs>) {
  checkHandle(ctx.args.handle);
  return {};
}

export function response(ctx: Context) {
  return ctx.prev.result;
}
