// Per-caller rate limits for HTTP queries and mutations, called from Apollo's context function: one bucket
// per signed-in user, and a smaller one per source IP for requests that fail auth (checked before the JWT is).
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import {
  createRateLimiter,
  DEFAULT_RATE_LIMITS,
  type RateDecision,
  type RateLimiter,
  type RateLimits,
} from '../limits/rate-limiter.ts';
import { ErrorType } from '../runtime/errors.ts';

export interface RequestRateLimits {
  /** Before verifying a token: refuses an IP whose failure budget is spent, so a flood costs no signature check. */
  beforeAuth(ip: string): void;
  /** A missing or bad token: spends the IP's failure budget (the 401 stands while budget remains). */
  authFailed(ip: string): void;
  /** A verified user: one token per request. */
  authenticated(sub: string): void;
}

/** HTTP 429 with Retry-After in whole seconds, rounded up, and a ThrottlingException naming the wait. */
export function throttled(decision: Extract<RateDecision, { ok: false }>, who: string): GraphQLError {
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  return new GraphQLError(`Too many requests ${who}: retry in ${seconds} s.`, {
    extensions: {
      errorType: ErrorType.ThrottlingException,
      http: { status: 429, headers: new HeaderMap([['retry-after', String(seconds)]]) },
    },
  });
}

export function createRequestRateLimits(
  limits: RateLimits = DEFAULT_RATE_LIMITS,
  now?: () => number,
): RequestRateLimits {
  const users: RateLimiter = createRateLimiter({ ...limits.user, maxKeys: limits.maxKeys, now });
  const ips: RateLimiter = createRateLimiter({ ...limits.ip, maxKeys: limits.maxKeys, now });
  const perUser = `from this user (at most ${limits.user.refillPerSecond}/s, bursts of ${limits.user.capacity})`;
  const perIp = `without a valid token from this address (at most ${limits.ip.refillPerSecond}/s)`;
  return {
    beforeAuth(ip) {
      const decision = ips.peek(ip);
      if (!decision.ok) throw throttled(decision, perIp);
    },
    authFailed(ip) {
      const decision = ips.take(ip);
      if (!decision.ok) throw throttled(decision, perIp);
    },
    authenticated(sub) {
      const decision = users.take(sub);
      if (!decision.ok) throw throttled(decision, perUser);
    },
  };
}
