// The shape of one server feature, as envelop's plugins are: optional hooks for named phases. `apollo` hooks run
// inside GraphQL processing (parse, validate, execute, response); `http` hooks run around the HTTP exchange that
// carried it, so a feature can add response headers and see the final status and duration.
import type { ApolloServerPlugin } from '@apollo/server';
import type { ServerResponse } from 'node:http';
import type { RequestTrace } from '../observability/trace.ts';
import type { RequestContext } from '../runtime/context.ts';

export interface HttpHooks {
  /** Before the response head is written: the status is `res.statusCode`; add headers here. Must not throw. */
  readonly beforeResponse?: (trace: RequestTrace, res: ServerResponse) => void;
  /** After the response was handed to the socket, with its status and total milliseconds. Must not throw. */
  readonly afterResponse?: (trace: RequestTrace, status: number, totalMs: number) => void;
}

export interface ServerFeature {
  readonly apollo?: ApolloServerPlugin<RequestContext>;
  readonly http?: HttpHooks;
}
