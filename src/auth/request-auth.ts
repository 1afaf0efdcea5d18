// The one way a request is authenticated, whatever carried it (HTTP, either WebSocket dialect): the token is
// verified and the request context built from the same headers and source addresses, so a resolver sees the
// same ctx.identity and ctx.request on every transport.
import type { IncomingMessage } from 'node:http';
import type { RequestTrace } from '../observability/trace.ts';
import { createRequestContext, type RequestContext, type RequestMeta } from '../runtime/context.ts';
import type { Authenticator } from './authenticator.ts';

/** Headers (lower-case, repeated ones joined) and source addresses (X-Forwarded-For first, then the peer). */
export function requestMeta(req: IncomingMessage): RequestMeta {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers))
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
  const forwarded = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return { headers, sourceIp: [...forwarded, req.socket.remoteAddress ?? ''].filter(Boolean) };
}

/** `trace`: the request's id and timings (HTTP makes one per request, the subscription core one per subscribe). */
export type RequestAuthenticator = (
  authorization: string | undefined,
  meta: RequestMeta,
  trace?: RequestTrace,
) => Promise<RequestContext>;

/** Rejects with the Authenticator's AuthError (a message that says what to do) when the token is not valid. */
export function createRequestAuthenticator(
  authenticator: Authenticator,
  env: Readonly<Record<string, string>>,
): RequestAuthenticator {
  return async (authorization, meta, trace) => {
    const identity = await authenticator.authenticate(authorization, meta.sourceIp);
    return createRequestContext(identity, meta.headers, env, trace);
  };
}
