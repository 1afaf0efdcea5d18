// Subscription.onMessage(messageGroupUuid): runs once at subscribe time. Members only; the argument filter
// (messageGroupUuid equals the message's) does the rest, as on AppSync.
import type { Context } from '@aws-appsync/utils';
import { checkGroupUuid } from '../lib/input.ts';
import type { SubscriptionOnMessageArgs } from '../lib/schema.generated.ts';
export function request(ctx: Context<SubscriptionOnMessageArgs>) {
  checkGroupUuid(ctx.args.messageGroupUuid);
  return {};
}

export function response() {
  return null;
}
