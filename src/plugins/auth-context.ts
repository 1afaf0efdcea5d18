// Apollo's context function for HTTP: the source IP's failure bucket is checked (before the JWT, so a flood of
// bad tokens costs no signature checks), the JWT verified (a failure spends that bucket, 401), the user's bucket
// charged one token, and the request's backend-call budget set. Timed as the `auth` phase.
import type { IncomingMessage } from 'node:http';
import { AuthError, type Authenticator } from '../auth/authenticator.ts';
import { requestMeta, type RequestAuthenticator } from '../auth/request-auth.ts';
import type { GraphQLContext } from '../http/graphql-handler.ts';
import { now, phase } from '../observability/trace.ts';
import { ErrorType, requestError } from '../runtime/errors.ts';
import { limitBackendCalls } from '../runtime/execute.ts';
import { clientAddress, type RequestRateLimits } from './rate-limit.ts';

export interface AuthContextOptions {
  readonly authenticator: Authenticator;
  readonly authenticate: RequestAuthenticator;
  readonly rateLimits: RequestRateLimits;
  readonly trustedProxyHops: number;
  readonly maxBackendCalls: number;
}

export function createAuthContext(options: AuthContextOptions): GraphQLContext {
  const { authenticator, authenticate, rateLimits } = options;
  return async ({ req, trace }: { req: IncomingMessage; trace: Parameters<GraphQLContext>[0]['trace'] }) => {
    const since = trace.timed ? now() : 0;
    const ip = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], options.trustedProxyHops);
    // A token verified before costs nothing to check again: a flood of forged tokens from an address (a NAT, an
    // office) must not lock out the signed-in users behind it, only new sign-ins from there.
    try {
      if (!authenticator.knows(req.headers.authorization)) rateLimits.beforeAuth(ip);
      let request;
      try {
        request = await authenticate(req.headers.authorization, requestMeta(req), trace);
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        rateLimits.authFailed(ip);
        throw requestError(error.message, ErrorType.UnauthorizedException, 401);
      }
      rateLimits.authenticated(request.identity!.sub);
      limitBackendCalls(request.scope, options.maxBackendCalls);
      return request;
    } finally {
      phase(trace, 'auth', since);
    }
  };
}
