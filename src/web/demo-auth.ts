// AUTH_MODE=local only: lists the demo users and mints a token for one, so the playground and the web app can
// sign in without a terminal. Not offered in cognito mode (the routes are 404 there). Responses carry no CORS
// header, so another site open in the same browser cannot read a token.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendHttpError } from '../http/error-body.ts';
import { ErrorType, type ErrorTypeName } from '../runtime/errors.ts';

export interface LocalAuth {
  readonly users: readonly { readonly handle: string; readonly displayName: string }[];
  tokenFor(handle: string): string;
}

export const MAX_DEMO_TOKEN_BODY_BYTES = 1024;

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.removeHeader('access-control-allow-origin');
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

const error = (res: ServerResponse, status: number, errorType: ErrorTypeName, message: string, headers = {}) => {
  res.removeHeader('access-control-allow-origin');
  sendHttpError(res, status, { message, errorType }, { 'cache-control': 'no-store', ...headers });
};

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_DEMO_TOKEN_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** GET /auth/demo-users → { users }; POST /auth/demo-token { handle } → { token }. */
export function createDemoAuthRoutes(auth: LocalAuth) {
  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    if (pathname === '/auth/demo-users') {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return error(res, 405, ErrorType.BadRequest, 'Use GET to list the demo users.', { allow: 'GET' });
      return json(res, 200, { users: auth.users.map((u) => ({ handle: u.handle, displayName: u.displayName })) });
    }
    if (req.method !== 'POST')
      return error(res, 405, ErrorType.BadRequest, 'Use POST with {"handle": "..."} to get a token.', {
        allow: 'POST',
      });
    // A JSON content type makes a cross-site request preflighted, on top of the missing CORS header.
    if (!String(req.headers['content-type'] ?? '').includes('application/json'))
      return error(res, 415, ErrorType.BadRequest, 'Send the body as application/json: {"handle": "..."}.');
    const text = await readBody(req);
    if (text === null)
      return error(res, 413, ErrorType.PayloadTooLarge, `The body is over ${MAX_DEMO_TOKEN_BODY_BYTES} bytes.`);
    let handle: unknown;
    try {
      handle = (JSON.parse(text) as { handle?: unknown } | null)?.handle;
    } catch {
      return error(res, 400, ErrorType.BadRequest, 'The body is not valid JSON: send {"handle": "..."}.');
    }
    if (typeof handle !== 'string' || !auth.users.some((u) => u.handle === handle))
      return error(
        res,
        404,
        ErrorType.NotFound,
        `Tokens are minted only for the demo users: ${auth.users.map((u) => u.handle).join(', ')}.`,
      );
    return json(res, 200, { token: auth.tokenFor(handle) });
  };
}
