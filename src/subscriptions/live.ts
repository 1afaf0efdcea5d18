// Live subscriptions on the HTTP server, wired as HTTP requests are: the subscription core with the same document
// limits (size and tokens before parsing, then depth, aliases, directives, cost) and a per-user subscribe rate,
// behind the WebSocket endpoint of both dialects.
import { specifiedRules, validate, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type http from 'node:http';
import type { RequestAuthenticator } from '../auth/request-auth.ts';
import { requestMeta } from '../auth/request-auth.ts';
import { limitRules, parseWithLimits, type DocumentLimits } from '../limits/document-limits.ts';
import { parallelRules } from '../limits/parallel-rules.ts';
import { createRateLimiter, type RateLimits } from '../limits/rate-limiter.ts';
import type { Logger } from '../plugins/errors.ts';
import type { RequestTrace } from '../observability/trace.ts';
import { createAliasVerdicts } from './alias-verdicts.ts';
import { createSubscriptionCore, type SessionEvent } from './core.ts';
import { createDocumentCache } from './document-cache.ts';
import type { Registry } from './registry.ts';
import type { SubscriptionSettings } from './settings.ts';
import { createUserBudget } from './user-budget.ts';
import { createWebSocketServer, type WebSocketEndpoint } from './websocket-server.ts';

export interface LiveSubscriptionsOptions {
  readonly httpServer: http.Server;
  readonly schema: GraphQLSchema;
  readonly registry: Registry;
  readonly authenticate: RequestAuthenticator;
  readonly settings: SubscriptionSettings;
  readonly documentLimits: DocumentLimits;
  readonly rateLimits: RateLimits;
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  readonly logger: Logger;
  /** Each subscribe's trace, and what sessions report (logs, metrics). */
  readonly newTrace?: () => RequestTrace;
  readonly onEvent?: (event: LiveEvent) => void;
}

/** What the sessions report, and the WebSocket endpoint's own refusals (before any session exists). */
export type LiveEvent = SessionEvent | { readonly kind: 'upgrade-refused'; readonly reason: 'pending-connections' };

export function createLiveSubscriptions(options: LiveSubscriptionsOptions): WebSocketEndpoint {
  const { schema, settings, documentLimits } = options;
  // One merged rule: graphql-js's own set-up of ~35 rules in parallel was ~40% of validating a new document.
  const rules = [parallelRules([...specifiedRules, ...limitRules(documentLimits)])];
  // A document that differs from a valid one only in made-up alias names is valid too (see alias-verdicts.ts).
  const verdicts = createAliasVerdicts({ validate: (document) => validate(schema, document, rules) });
  // Each subscribe runs its resolver: a user may start as many at once as they may hold, then subscribe at the
  // user's request rate (subscribe/complete churn is bounded as requests are).
  const subscribeRate = createRateLimiter({
    capacity: settings.maxSubscriptionsPerUser,
    refillPerSecond: options.rateLimits.user.refillPerSecond,
    maxKeys: options.rateLimits.maxKeys,
  });
  const core = createSubscriptionCore({
    schema,
    registry: options.registry,
    documents: createDocumentCache({
      prepare: (source) => {
        const parsed = parseWithLimits(source, documentLimits);
        if (!('kind' in parsed)) return parsed;
        const errors = verdicts.validate(source, parsed);
        return errors.length ? errors : parsed;
      },
    }),
    admitSubscribe: (user) => {
      const decision = subscribeRate.take(user);
      if (decision.ok) return decision;
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      return { ok: false, message: `Too many subscribes from this user: retry in ${seconds} s.` };
    },
    budget: createUserBudget(settings),
    limits: settings,
    authenticate: options.authenticate,
    formatError: options.formatError,
    logger: options.logger,
    newTrace: options.newTrace,
    onEvent: options.onEvent,
  });
  return createWebSocketServer({
    httpServer: options.httpServer,
    path: '/graphql',
    realtimePath: '/graphql/realtime',
    core,
    limits: settings,
    connectionInitWaitTimeoutMs: settings.connectionInitWaitTimeoutMs,
    keepAliveMs: settings.keepAliveMs,
    metaOf: requestMeta,
    logger: options.logger,
    onRefused: (reason) => options.onEvent?.({ kind: 'upgrade-refused', reason }),
  });
}
