// Subscription.onInboxMessage: every new message in any conversation I am a member of, including ones started
// later. An enhanced filter on the message's memberIds, set from my identity, does this on AppSync too.
import { extensions, util, type Context } from '@aws-appsync/utils';

export function request() {
  return {};
}

export function response(ctx: Context) {
  const me = ctx.stash.me as { id: string };
  extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ memberIds: { containsAny: [me.id] } }));
  return null;
}
