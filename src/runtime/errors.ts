// The error kinds the API returns, in one place. A GraphQL error carries AppSync's wire fields (`errorType`,
// `errorInfo`, `data`) at the top level, and the same `errorType` under `extensions` for GraphQL clients.
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { ResolverErrorEntry } from './appsync/invocation.ts';

/** errorType values the server itself produces; resolvers and data sources add `DynamoDB:*` / `Postgres:*` ones. */
export const ErrorType = {
  /** Missing, malformed, expired or forged credentials (request level, HTTP 401), as AppSync names it. */
  UnauthorizedException: 'UnauthorizedException',
  /** util.unauthorized(): not allowed to read or write this (field level). */
  Unauthorized: 'Unauthorized',
  BadRequest: 'BadRequest',
  NotFound: 'NotFound',
  /** The operation document is not valid GraphQL for this schema, or its variables do not fit. */
  ValidationError: 'ValidationError',
  /** A request handler returned something the data source cannot run. */
  MappingTemplate: 'MappingTemplate',
  /** A resolver handler's code failed, e.g. an `@aws-appsync/utils/rds` helper rejected its input (AppSync's name). */
  Code: 'Code',
  /** A document, body or frame over its size or token bound (HTTP 413). */
  PayloadTooLarge: 'PayloadTooLarge',
  /** An operation over a limit: aliases, depth, cost, directives; subscriptions per socket or per user. */
  LimitExceeded: 'LimitExceeded',
  /** A caller over its rate: retry after the time given (HTTP 429 with Retry-After). */
  ThrottlingException: 'ThrottlingException',
  /** An idempotency key reused with different content. */
  Conflict: 'Conflict',
  /** A non-null field a subscriber selected is not in the event (the publishing mutation did not select it). */
  MissingEventField: 'MissingEventField',
  /** A message the real-time channel does not know (AppSync's name for it). */
  UnsupportedOperation: 'UnsupportedOperation',
  /** Anything not raised on purpose: masked, logged on the server. */
  InternalFailure: 'InternalFailure',
} as const;

export function resolverGraphQLError(entry: ResolverErrorEntry, info?: GraphQLResolveInfo): GraphQLError {
  return new GraphQLError(entry.message, {
    nodes: info?.fieldNodes,
    path: info ? pathOf(info) : undefined,
    extensions: { errorType: entry.errorType, errorInfo: entry.errorInfo, data: entry.data },
  });
}

export function pathOf(info: GraphQLResolveInfo): (string | number)[] {
  const path: (string | number)[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) path.unshift(p.key);
  return path;
}

/** An error the server raises on purpose outside resolvers (auth, limits). */
export function requestError(message: string, errorType: string, status?: number): GraphQLError {
  return new GraphQLError(message, { extensions: { errorType, ...(status ? { http: { status } } : {}) } });
}
