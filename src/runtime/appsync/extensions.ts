// The `extensions` object of '@aws-appsync/utils'. Calls are recorded on the current invocation for the
// subscription layer; AppSync only honours them in specific handlers, so misuse fails loudly here.
import type { Extensions, SubscriptionFilter } from '@aws-appsync/utils';
import { currentInvocation, ResolverErrorSignal, type Invocation } from './invocation.ts';
import { ErrorType } from '../errors.ts';

/** AppSync's documented limit on unique invalidateSubscriptions calls per request. */
const MAX_INVALIDATIONS = 5;

function badRequest(message: string): never {
  throw new ResolverErrorSignal({ message, errorType: ErrorType.BadRequest, data: null, errorInfo: null });
}

function requireResponseHandlerOf(operation: string, method: string): Invocation {
  const invocation = currentInvocation();
  if (invocation.operation !== operation || invocation.handler !== 'response') {
    badRequest(
      `extensions.${method} can only be used in the response handler of a ${operation.toLowerCase()} resolver ` +
        `(called from the ${invocation.handler} handler of ${invocation.parentTypeName}.${invocation.fieldName})`,
    );
  }
  return invocation;
}

export const extensions: Extensions = {
  setSubscriptionFilter(filter: SubscriptionFilter): void {
    requireResponseHandlerOf('Subscription', 'setSubscriptionFilter').extensions.subscriptionFilter = filter;
  },
  setSubscriptionInvalidationFilter(filter: SubscriptionFilter): void {
    const invocation = requireResponseHandlerOf('Subscription', 'setSubscriptionInvalidationFilter');
    invocation.extensions.subscriptionInvalidationFilter = filter;
  },
  invalidateSubscriptions(obj: { subscriptionField: string; payload: Record<string, unknown> }): void {
    const { invalidations } = requireResponseHandlerOf('Mutation', 'invalidateSubscriptions').extensions;
    const entry = { subscriptionField: obj.subscriptionField, payload: obj.payload };
    const key = JSON.stringify(entry);
    if (invalidations.some((existing) => JSON.stringify(existing) === key)) return;
    if (invalidations.length >= MAX_INVALIDATIONS) {
      badRequest(`extensions.invalidateSubscriptions can be called at most ${MAX_INVALIDATIONS} times per request`);
    }
    invalidations.push(entry);
  },
  // There is no API cache in this runtime, so there is nothing to evict.
  evictFromApiCache(): void {},
};
