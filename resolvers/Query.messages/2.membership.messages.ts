// Later pages and catch-up reads check membership with a read of my member row; the first newest-first page
// learns it from its own query (member rows sort above messages), so the common case costs one DynamoDB call.
import { runtime, type Context } from '@aws-appsync/utils';
import { request as memberRowRequest } from '../lib/membership.ts';
import type { QueryMessagesArgs } from '../lib/schema.generated.ts';

export { response } from '../lib/membership.ts';

export function request(ctx: Context<QueryMessagesArgs>) {
  if (!ctx.args.nextToken && !ctx.args.after) {
    runtime.earlyReturn(null, { skipTo: 'NEXT' });
  }
  return memberRowRequest(ctx);
}
