// The one closed list of errorType values this API produces (resolvers and src/ both use it), with the data-source
// families as template-literal types. AppSync lets a resolver raise any string; ours raise only these.

/** Every errorType the API produces besides the data-source families below. */
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

export type ErrorTypeName = (typeof ErrorType)[keyof typeof ErrorType];

/** `DynamoDB:<Exception>` and `Postgres:<SQLSTATE>`, plus `…:ServiceUnavailable` when the database is unreachable. */
export type DataSourceErrorType = `DynamoDB:${string}` | `Postgres:${string}`;

export type KnownErrorType = ErrorTypeName | DataSourceErrorType;
