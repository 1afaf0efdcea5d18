// Query.user(handle): a user's short profile, or null when nobody has that handle.
import type { Context } from '@aws-appsync/utils';

export function request() {
  return {};
}

export function response(ctx: Context) {
  return ctx.prev.result;
}
