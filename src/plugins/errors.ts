// Error policy: errors raised on purpose (they carry an errorType) pass through in AppSync's wire shape;
// GraphQL's own validation errors become ValidationError; anything else is masked and logged.
import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import type { RequestContext } from '../runtime/context.ts';
import type { Logger } from '../observability/logger.ts';
import { ErrorType } from '../runtime/errors.ts';

const VALIDATION_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

// Defined with the logger; re-exported here, where most modules have always imported it from.
export type { Logger } from '../observability/logger.ts';

function appsyncShape(
  formatted: GraphQLFormattedError,
  errorType: string,
  extra: Record<string, unknown> = {},
): GraphQLFormattedError {
  const { extensions, ...rest } = formatted;
  const {
    errorInfo = null,
    data = null,
    http: _http,
    stacktrace: _stack,
    ...otherExtensions
  } = (extensions ?? {}) as Record<string, unknown>;
  return {
    ...rest,
    errorType,
    errorInfo,
    data,
    ...extra,
    extensions: { ...otherExtensions, errorType },
  } as GraphQLFormattedError;
}

export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const errorType = (formatted.extensions?.errorType ??
      (original instanceof GraphQLError ? original.extensions?.errorType : undefined)) as string | undefined;
    if (typeof errorType === 'string' && errorType) return appsyncShape(formatted, errorType);
    const code = formatted.extensions?.code as string | undefined;
    if (code && VALIDATION_CODES.has(code)) return appsyncShape(formatted, ErrorType.ValidationError);
    logger.error('[cruddur] unexpected error', original);
    return appsyncShape(
      { ...formatted, message: 'An internal error occurred; it has been logged on the server.' },
      ErrorType.InternalFailure,
    );
  };
}

/** Adds util.appendError entries to the response: data plus errors is a legal AppSync result. */
export function appendedErrorsPlugin(
  format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || contextValue.appendedErrors.length === 0) return;
          const extra = (contextValue.appendedErrors as GraphQLError[]).map((e) => format(e.toJSON(), e));
          const result = response.body.singleResult;
          result.errors = [...(result.errors ?? []), ...extra];
        },
      };
    },
  };
}
