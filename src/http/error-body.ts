// The one renderer of every error the server writes outside GraphQL execution (404, 400, 413, 415, 429, 500, …):
// the same wire shape as resolver errors (AppSync's `errorType`, `errorInfo`, `data`, and `extensions.errorType`),
// with an errorType from the closed list, and the request's id (`extensions.requestId`) when it has one.
import type { ServerResponse } from 'node:http';
import type { KnownErrorType } from '../runtime/errors.ts';

export interface HttpError {
  readonly message: string;
  readonly errorType: KnownErrorType;
}

/** The header carrying the request id on every response the GraphQL handler writes. */
export const REQUEST_ID_HEADER = 'x-request-id';

export function httpErrorBody(errors: readonly HttpError[], requestId?: string): string {
  return JSON.stringify({
    errors: errors.map(({ message, errorType }) => ({
      message,
      errorType,
      errorInfo: null,
      data: null,
      extensions: requestId === undefined ? { errorType } : { errorType, requestId },
    })),
  });
}

export function sendHttpError(
  res: ServerResponse,
  status: number,
  errors: HttpError | readonly HttpError[],
  headers: Record<string, string> = {},
): void {
  const requestId = res.getHeader(REQUEST_ID_HEADER);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(
    httpErrorBody(
      Array.isArray(errors) ? errors : [errors as HttpError],
      typeof requestId === 'string' ? requestId : undefined,
    ),
  );
}
