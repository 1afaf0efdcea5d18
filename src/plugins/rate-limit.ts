// Per-caller rate limits for HTTP queries and mutations: one bucket per signed-in user, charged one token per
// root field, and a smaller one per source IP for requests that fail auth (checked before the JWT is).
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import {
  createRateLimiter,
  DEFAULT_RATE_LIMITS,
  type RateDecision,
  type RateLimiter,
  type RateLimits,
} from '../limits/rate-limiter.ts';
import type { RequestContext } from '../runtime/context.ts';
import { ErrorType } from '../runtime/errors.ts';

export interface RequestRateLimits {
  /** Before verifying a token: refuses an IP whose failure budget is spent, so a flood costs no signature check. */
  beforeAuth(ip: string): void;
  /** A missing or bad token: spends the IP's failure budget (the 401 stands while budget remains). */
  authFailed(ip: string): void;
  /** A verified user: one token per request, before the document is even parsed. */
  authenticated(sub: string): void;
  /** The rest of an operation's cost once it is known (root fields beyond the first). */
  charge(sub: string, cost: number): void;
}

/**
 * The caller's address for the per-IP bucket. With no trusted proxy (the default) it is the peer address:
 * X-Forwarded-For is the caller's to forge. Behind `trustedProxyHops` proxies that each append the address they
 * saw (an ALB is one hop), it is that many entries from the right end of X-Forwarded-For.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxyHops: number,
): string {
  if (trustedProxyHops > 0 && forwardedFor !== undefined) {
    const hops = String(forwardedFor)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const seen = hops[hops.length - trustedProxyHops];
    if (seen) return seen;
  }
  return peer ?? 'unknown';
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
    charge(sub, cost) {
      if (cost <= 0) return;
      const decision = users.take(sub, cost);
      if (!decision.ok) throw throttled(decision, perUser);
    },
  };
}

/**
 * Root fields an operation runs, aliases and fragments included; introspection roots are free. Each root
 * field is a resolver pipeline that goes to the databases (nested fields are batched), so this is what a
 * request costs the backends: 15 aliased inboxes cost 15 times one.
 */
export function rootFieldCount(
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
): number {
  const seen = new Set<string>();
  const count = (set: SelectionSetNode): number => {
    let n = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) n += selection.name.value.startsWith('__') ? 0 : 1;
      else if (selection.kind === Kind.INLINE_FRAGMENT) n += count(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        // Each fragment counted once per operation (validation has already refused cycles).
        seen.add(selection.name.value);
        const fragment = fragments[selection.name.value];
        if (fragment) n += count(fragment.selectionSet);
      }
    }
    return n;
  };
  return count(operation.selectionSet);
}

/** Charges each operation's root fields beyond the first (that one was paid in the context function). */
export function rateLimitPlugin(limits: RequestRateLimits): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          const sub = contextValue.identity?.sub;
          if (!sub || !operation) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const definition of document.definitions)
            if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
          limits.charge(sub, rootFieldCount(operation, fragments) - 1);
        },
      };
    },
  };
}
