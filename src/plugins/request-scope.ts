// Reports each request's data-source call counts when it ends (tests and benchmarks count backend calls).
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestScope } from '../datasources/types.ts';
import type { RequestContext } from '../runtime/context.ts';

export function requestScopePlugin(
  observe: (scope: RequestScope, operationName: string | undefined) => void,
): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operationName }) {
          observe(contextValue.scope, operationName ?? undefined);
        },
      };
    },
  };
}
