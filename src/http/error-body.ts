// The one renderer of every error the server writes outside GraphQL execution (404, 400, 413, 415, 429, 500, …):
// the same wire shape as resolver errors (AppSync's `errorType`, `errorInfo`, `data`, and `extensions.errorType`),
// with an errorType from the closed list.
import type { ServerResponse } from 'node:http';
import type { KnownErrorType } from '../runtime/errors.ts';

export interface HttpError {
  readonly message: string;
  readonly errorType: KnownErrorType;
}

export function httpErrorBody(errors: readonly HttpError[]): string {
  return JSON.stringify({
    errors: errors.map(({ message, errorType }) => ({
      message,
      errorType,
      errorInfo: null,
      data: null,
      extensions: { errorType },
    })),
  });
}

export function sendHttpError(
  res: ServerResponse,
  status: number,
  errors: HttpError | readonly HttpError[],
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(httpErrorBody(Array.isArray(errors) ? errors : [errors as HttpError]));
}
