// Turns whatever the SDK threw into AppSync's `ctx.error` shape: `DynamoDB:<ExceptionName>`, or
// `DynamoDB:ServiceUnavailable` when the database could not be reached at all (so callers see an outage, not a bug).
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
  return typeof name === 'string' && name !== '' ? name : 'UnknownError';
}

export function toDataSourceError(error: unknown): DataSourceError {
  const message = error instanceof Error ? error.message : String(error);
  if (isNetworkError(error)) {
    return {
      type: 'DynamoDB:ServiceUnavailable',
      message: `The database could not be reached (DynamoDB): ${message || errorName(error)}`,
    };
  }
  return { type: `DynamoDB:${errorName(error)}`, message };
}
