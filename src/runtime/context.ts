// Builds the `ctx` object a resolver handler receives, in AppSync's shape.
import { Kind, print, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { DataSourceError, RequestScope } from '../datasources/types.ts';
import { createTrace, type RequestTrace } from '../observability/trace.ts';
import type { ExtensionsSink } from './appsync/invocation.ts';

/** `ctx.identity` for Cognito user pools, as AppSync builds it. */
export interface CognitoIdentity {
  readonly sub: string;
  readonly issuer: string;
  readonly username: string;
  readonly claims: Record<string, unknown>;
  readonly sourceIp: string[];
  readonly defaultAuthStrategy: 'ALLOW' | 'DENY';
  readonly groups: string[] | null;
}

/** Where a request comes from, the same on every transport: ctx.request.headers and ctx.identity.sourceIp. */
export interface RequestMeta {
  /** Lower-case header names, as AppSync gives them. */
  readonly headers: Record<string, string>;
  readonly sourceIp: string[];
}

/** What the server keeps per GraphQL request; the runtime reads it to build each ctx. */
export interface RequestContext {
  readonly identity: CognitoIdentity | null;
  readonly headers: Record<string, string>;
  readonly scope: RequestScope;
  /** Errors from util.appendError, added to the response after execution. */
  readonly appendedErrors: unknown[];
  /** What resolvers asked of `extensions` (subscription filters, invalidations) during this request. */
  readonly extensions: ExtensionsSink;
  readonly env: Readonly<Record<string, string>>;
  /** The request's id and, when something reads them, its phase and data-source timings. */
  readonly trace: RequestTrace;
}

export interface ResolverContext {
  arguments: Record<string, unknown>;
  args: Record<string, unknown>;
  identity: CognitoIdentity | null;
  source: unknown;
  readonly stash: Record<string, unknown>;
  prev: { result: unknown };
  result?: unknown;
  error?: DataSourceError | undefined;
  info: {
    fieldName: string;
    parentTypeName: string;
    variables: Record<string, unknown>;
    selectionSetList: string[];
    selectionSetGraphQL: string;
  };
  request: { headers: Record<string, string>; domainName: string | null };
  env: Readonly<Record<string, string>>;
}

/** `ctx.info.selectionSetList`: every selected field path below this field, fragments expanded, by response name. */
export function selectionSetList(info: GraphQLResolveInfo): string[] {
  const out: string[] = [];
  const walk = (set: SelectionSetNode | undefined, prefix: string) => {
    if (!set) return;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.alias?.value ?? selection.name.value;
        if (name === '__typename') continue;
        const path = prefix ? `${prefix}/${name}` : name;
        if (!out.includes(path)) out.push(path);
        walk(selection.selectionSet, path);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, prefix);
      } else {
        walk(info.fragments[selection.name.value]?.selectionSet, prefix);
      }
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet, '');
  return out;
}

/** `ctx.info`: the selection set is worked out only if a resolver reads it (most never do). */
class ResolverInfo {
  readonly fieldName: string;
  readonly parentTypeName: string;
  readonly variables: Record<string, unknown>;
  constructor(private readonly graphqlInfo: GraphQLResolveInfo) {
    this.fieldName = graphqlInfo.fieldName;
    this.parentTypeName = graphqlInfo.parentType.name;
    this.variables = (graphqlInfo.variableValues ?? {}) as Record<string, unknown>;
  }
  get selectionSetList(): string[] {
    return selectionSetList(this.graphqlInfo);
  }
  get selectionSetGraphQL(): string {
    const set = this.graphqlInfo.fieldNodes[0]?.selectionSet;
    return set ? print(set) : '';
  }
  toJSON() {
    return {
      fieldName: this.fieldName,
      parentTypeName: this.parentTypeName,
      variables: this.variables,
      selectionSetList: this.selectionSetList,
    };
  }
}

export function buildContext(
  source: unknown,
  args: Record<string, unknown>,
  request: RequestContext,
  info: GraphQLResolveInfo,
): ResolverContext {
  return {
    arguments: args,
    args,
    identity: request.identity,
    source: source ?? null,
    stash: {},
    prev: { result: undefined },
    result: undefined,
    error: undefined,
    info: new ResolverInfo(info),
    request: { headers: request.headers, domainName: null },
    env: request.env,
  };
}

/** A fresh per-request context (one per HTTP request, one per subscribe). */
export function createRequestContext(
  identity: CognitoIdentity | null,
  headers: Record<string, string>,
  env: Readonly<Record<string, string>>,
  trace: RequestTrace = createTrace(false),
): RequestContext {
  return {
    identity,
    headers,
    scope: { perDataSource: new Map(), calls: { dynamodb: 0, postgres: 0 }, requestId: trace.id },
    appendedErrors: [],
    extensions: { invalidations: [] },
    env,
    trace,
  };
}
