// Stamps each GraphQL response with its request's trace: the request id in every error's extensions (the same id
// as the x-request-id header and the log line), and the operation and errorTypes on the trace for logs and metrics.
import type { ApolloServerPlugin } from '@apollo/server';
import { noteErrorType } from '../observability/trace.ts';
import type { RequestContext } from '../runtime/context.ts';
import type { ServerFeature } from './feature.ts';

const plugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue, operation, operationName }) {
        const { trace } = contextValue;
        trace.operationName = operationName ?? null;
        trace.operationType = operation?.operation ?? null;
        if (response.body.kind !== 'single') return;
        const { errors } = response.body.singleResult;
        if (!errors) return;
        response.body.singleResult.errors = errors.map((error) => {
          noteErrorType(trace, error.extensions?.errorType);
          return { ...error, extensions: { ...error.extensions, requestId: trace.id } };
        });
      },
    };
  },
};

/** After the error plugins: it sees the appended errors too. */
export function requestTraceFeature(): ServerFeature {
  return { apollo: plugin };
}
