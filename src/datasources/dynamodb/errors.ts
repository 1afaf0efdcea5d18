// Turns whatever the SDK threw into AppSync's `ctx.error` shape: `DynamoDB:<ExceptionName>`, or
// `DynamoDB:ServiceUnavailable` when the database could not be reached at all (so callers see an outage, not a bug).
// The message is ours, never DynamoDB's: its text can hold key values, table names, ARNs, hosts and ports. What
// DynamoDB said goes to the server log (describeForLog), for the people who can act on it.
import type { DataSourceError } from '../types.ts';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
]);

const LOGGED = 'it has been logged on the server';

/** What a caller may be told, by exception name; anything else gets the generic message below. */
const SAFE_MESSAGES: Readonly<Record<string, string>> = {
  ConditionalCheckFailedException: 'The item did not meet the condition of the write, so nothing was written.',
  ValidationException: `The messages database refused the request as invalid; ${LOGGED}.`,
  ResourceNotFoundException: `The messages table is not available; ${LOGGED}.`,
  ProvisionedThroughputExceededException: 'The messages database is busy; try again in a moment.',
  ThrottlingException: 'The messages database is busy; try again in a moment.',
  RequestLimitExceeded: 'The messages database is busy; try again in a moment.',
  TransactionConflictException: 'The conversation was busy; try again.',
  TransactionInProgressException: 'The conversation was busy; try again.',
  ItemCollectionSizeLimitExceededException: 'This conversation has reached its storage limit.',
  InternalServerError: 'The messages database had an internal error; try again.',
  AccessDeniedException: `The messages database refused this server's credentials; ${LOGGED}.`,
  UnrecognizedClientException: `The messages database refused this server's credentials; ${LOGGED}.`,
  CredentialsProviderError: `This server has no credentials for the messages database; ${LOGGED}.`,
};

export const UNREACHABLE_MESSAGE = 'The messages database could not be reached; try again shortly.';
const GENERIC_MESSAGE = `The messages database could not complete the request; ${LOGGED}.`;

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

export function isNetworkError(error: unknown): boolean {
  const code = field(error, 'code');
  // node-http-handler renames connection and request timeouts to TimeoutError.
  return (typeof code === 'string' && NETWORK_CODES.has(code)) || field(error, 'name') === 'TimeoutError';
}

export function errorName(error: unknown): string {
  const name = field(error, 'name');
  return typeof name === 'string' && /^[A-Za-z][A-Za-z0-9]{0,63}$/.test(name) ? name : 'UnknownError';
}

/** Exceptions resolvers expect and branch on: not worth a line in the error log. */
export function isExpected(error: unknown): boolean {
  return errorName(error) === 'ConditionalCheckFailedException';
}

export function toDataSourceError(error: unknown): DataSourceError {
  if (isNetworkError(error)) return { type: 'DynamoDB:ServiceUnavailable', message: UNREACHABLE_MESSAGE };
  const name = errorName(error);
  return { type: `DynamoDB:${name}`, message: SAFE_MESSAGES[name] ?? GENERIC_MESSAGE };
}

/** The backend's own account of a failure, for the server log only. */
export function describeForLog(error: unknown): Record<string, unknown> {
  const metadata = field(error, '$metadata') as { httpStatusCode?: number; requestId?: string } | undefined;
  return {
    name: errorName(error),
    code: field(error, 'code'),
    message: error instanceof Error ? error.message : String(error),
    httpStatusCode: metadata?.httpStatusCode,
    requestId: metadata?.requestId,
  };
}
