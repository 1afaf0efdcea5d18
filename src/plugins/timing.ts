// Per-phase timing of GraphQL processing: parse, validate, exec (execution with its data-source calls, which the
// runtime records by operation), ser (Apollo's serialisation, from the last willSendResponse until the handler has
// the body). `auth` is recorded by the request context. Only traces created timed are measured.
import type { ApolloServerPlugin } from '@apollo/server';
import { now, phase } from '../observability/trace.ts';
import type { RequestContext } from '../runtime/context.ts';
import type { ServerFeature } from './feature.ts';

// Serialisation starts after the last willSendResponse hook; the handler's beforeResponse ends it.
const serialising = new WeakMap<object, number>();

const plugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart({ contextValue }) {
    const { trace } = contextValue;
    if (!trace.timed) return undefined;
    return {
      async parsingDidStart() {
        const since = now();
        return async () => phase(trace, 'parse', since);
      },
      async validationDidStart() {
        const since = now();
        return async () => phase(trace, 'validate', since);
      },
      async executionDidStart() {
        const since = now();
        return {
          async executionDidEnd() {
            phase(trace, 'exec', since);
          },
        };
      },
      async willSendResponse() {
        serialising.set(trace, now());
      },
    };
  },
};

/** Last among the Apollo plugins (serialisation is timed from its willSendResponse). */
export function timingFeature(): ServerFeature {
  return {
    apollo: plugin,
    http: {
      beforeResponse(trace) {
        const since = serialising.get(trace);
        if (since !== undefined) phase(trace, 'ser', since);
      },
    },
  };
}
