// Runs one field's resolver the way AppSync does: unit (request → data source → response) or pipeline
// (before → functions in order → after), with stash, prev.result, earlyReturn and ctx.error semantics.
import type { GraphQLResolveInfo } from 'graphql';
import type { DataSource, RequestScope } from '../datasources/types.ts';
import { call, now } from '../observability/trace.ts';
import {
  EarlyReturnSignal,
  ResolverErrorSignal,
  withInvocation,
  type HandlerKind,
  type Invocation,
} from './appsync/invocation.ts';
import type { Handlers } from './compile.ts';
import { buildContext, type RequestContext, type ResolverContext } from './context.ts';
import { ErrorType, resolverGraphQLError } from './errors.ts';
import { APPSYNC_EVALUATED_SIZE_LIMIT, jsonBytesOver, TRANSFORMATION_TOO_LARGE } from './evaluated-size.ts';

/** Backend calls (DynamoDB + Postgres, as `scope.calls` counts them) one request may make, unless set per scope. */
export const DEFAULT_MAX_BACKEND_CALLS = 50;

// Per-request budgets, set by the server for each request it builds; a WeakMap keeps RequestScope unchanged.
const budgets = new WeakMap<RequestScope, number>();

/** Caps the backend calls of one request: past `max`, a field's data-source call is not made (LimitExceeded). */
export function limitBackendCalls(scope: RequestScope, max: number): void {
  budgets.set(scope, max);
}

/**
 * The check runs before each data-source invocation. Data sources count a call when they make it, which for a
 * DynamoDB request or an unbatched statement is synchronous with `invoke`, so concurrent fields cannot all slip
 * past; batched Postgres reads are counted once per batch, as the round trip they are.
 */
function overBudget(dataSource: DataSource, scope: RequestScope): number | null {
  if (dataSource.kind === 'NONE') return null;
  const max = budgets.get(scope) ?? DEFAULT_MAX_BACKEND_CALLS;
  return scope.calls.dynamodb + scope.calls.postgres >= max ? max : null;
}

export interface BoundFunction {
  readonly name: string;
  readonly handlers: Handlers;
  readonly dataSource: DataSource;
}

export type BoundResolver =
  | { readonly kind: 'unit'; readonly handlers: Handlers; readonly dataSource: DataSource }
  | { readonly kind: 'pipeline'; readonly handlers: Handlers; readonly functions: readonly BoundFunction[] };

type Step =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'early'; readonly value: unknown; readonly skipTo: 'END' | 'NEXT' };

/** What a handler evaluates to is bounded as AppSync bounds it: over the quota, the field fails as AppSync's does. */
function withinQuota(value: unknown, info: GraphQLResolveInfo): unknown {
  if (!jsonBytesOver(value, APPSYNC_EVALUATED_SIZE_LIMIT)) return value;
  throw resolverGraphQLError(
    { message: TRANSFORMATION_TOO_LARGE, errorType: ErrorType.MappingTemplate, data: null, errorInfo: null },
    info,
  );
}

/** Calls one handler with the invocation slot set; util.error surfaces as a thrown GraphQLError for the field. */
function callHandler(
  fn: (ctx: unknown) => unknown,
  ctx: ResolverContext,
  handler: HandlerKind,
  info: GraphQLResolveInfo,
  request: RequestContext,
): Step {
  const invocation: Invocation = {
    fieldName: info.fieldName,
    parentTypeName: info.parentType.name,
    handler,
    appendedErrors: [],
    extensions: { invalidations: [] },
    operation:
      info.operation.operation === 'query'
        ? 'Query'
        : info.operation.operation === 'mutation'
          ? 'Mutation'
          : 'Subscription',
  };
  try {
    const value = withInvocation(invocation, () => fn(ctx));
    return { kind: 'value', value: withinQuota(value, info) };
  } catch (signal) {
    if (signal instanceof EarlyReturnSignal)
      return { kind: 'early', value: withinQuota(signal.value, info), skipTo: signal.skipTo };
    if (signal instanceof ResolverErrorSignal) throw resolverGraphQLError(signal.entry, info);
    throw signal;
  } finally {
    for (const entry of invocation.appendedErrors) request.appendedErrors.push(resolverGraphQLError(entry, info));
    const ext = invocation.extensions;
    if (ext.subscriptionFilter !== undefined) request.extensions.subscriptionFilter = ext.subscriptionFilter;
    if (ext.subscriptionInvalidationFilter !== undefined)
      request.extensions.subscriptionInvalidationFilter = ext.subscriptionInvalidationFilter;
    request.extensions.invalidations.push(...ext.invalidations);
  }
}

/** A data-source call named by operation for timings and metrics: `ddb.Query`, `pg.select` (the SQL verb). */
export function callName(dataSource: DataSource, request: unknown): string {
  const r = request as { operation?: unknown; statements?: unknown } | null;
  if (dataSource.kind === 'AMAZON_DYNAMODB')
    return typeof r?.operation === 'string' && /^[A-Za-z]{1,32}$/.test(r.operation)
      ? `ddb.${r.operation}`
      : 'ddb.invalid';
  const first = Array.isArray(r?.statements) ? r.statements[0] : undefined;
  const verb = typeof first === 'string' ? /^\s*\(?\s*([A-Za-z]{1,16})/.exec(first)?.[1] : undefined;
  return verb ? `pg.${verb.toLowerCase()}` : 'pg.invalid';
}

/** request → data source → response for one unit resolver or pipeline function; returns the response value. */
async function runUnit(
  handlers: Handlers,
  dataSource: DataSource,
  ctx: ResolverContext,
  info: GraphQLResolveInfo,
  request: RequestContext,
  functionName?: string,
): Promise<Step> {
  // Cleared by assignment, not `delete`: deleting properties turns the object into a slow dictionary in V8.
  ctx.result = undefined;
  ctx.error = undefined;
  const before = callHandler(handlers.request, ctx, 'request', info, request);
  if (before.kind === 'early') return before;
  const max = overBudget(dataSource, request.scope);
  if (max !== null)
    throw resolverGraphQLError(
      {
        message: `This request reached its limit of ${max} database calls; ask for fewer fields or aliases per request.`,
        errorType: ErrorType.LimitExceeded,
        data: null,
        errorInfo: null,
      },
      info,
    );
  // Timed only when something reads timings; a NONE data source makes no backend call, so it is not one.
  const timed = request.trace.timed && dataSource.kind !== 'NONE';
  const since = timed ? now() : 0;
  const outcome = await dataSource.invoke(before.value, request.scope);
  if (timed) {
    const field = `${info.parentType.name}.${info.fieldName}`;
    call(request.trace, callName(dataSource, before.value), functionName ? `${field}/${functionName}` : field, since);
  }
  ctx.result = outcome.result ?? null;
  if (outcome.error) ctx.error = outcome.error;
  return callHandler(handlers.response, ctx, 'response', info, request);
}

export async function runResolver(
  resolver: BoundResolver,
  source: unknown,
  args: Record<string, unknown>,
  request: RequestContext,
  info: GraphQLResolveInfo,
): Promise<unknown> {
  const ctx = buildContext(source, args, request, info);
  if (resolver.kind === 'unit')
    return (await runUnit(resolver.handlers, resolver.dataSource, ctx, info, request)).value;

  const before = callHandler(resolver.handlers.request, ctx, 'request', info, request);
  ctx.prev = { result: before.value };
  if (before.kind === 'value') {
    for (const fn of resolver.functions) {
      const step = await runUnit(fn.handlers, fn.dataSource, ctx, info, request, fn.name);
      ctx.prev = { result: step.value };
      if (step.kind === 'early' && step.skipTo === 'END') break;
    }
  }
  ctx.result = undefined;
  ctx.error = undefined;
  return callHandler(resolver.handlers.response, ctx, 'response', info, request).value;
}
