// The error kinds the API returns, in one place. A GraphQL error carries AppSync's wire fields (`errorType`,
// `errorInfo`, `data`) at the top level, and the same `errorType` under `extensions` for GraphQL clients.
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { ResolverErrorEntry } from './appsync/invocation.ts';

export {
  ErrorType,
  type ErrorTypeName,
  type DataSourceErrorType,
  type KnownErrorType,
} from '../../resolvers/lib/error-types.ts';

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
