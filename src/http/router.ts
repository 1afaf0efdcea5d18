// The HTTP surface around GraphQL: CORS (bearer tokens, no cookies, so any origin may call), health checks
// (liveness at /health and /health/live, /health?memory for the benchmark; readiness at /health/ready), 404
// elsewhere, and a bare 500 that leaks nothing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../plugins/errors.ts';
import { ErrorType } from '../runtime/errors.ts';
import { sendHttpError } from './error-body.ts';

export interface RouterOptions {
  readonly graphql: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Open WebSocket connections, reported by /health?memory. */
  readonly connections: () => number;
  readonly logger: Logger;
  /** Readiness (src/health/readiness.ts): the status and body for /health/ready. */
  readonly readiness?: () => Promise<{ status: number; body: unknown }>;
  /** Browser routes (web app, playground, demo sign-in): true when it handled the request. */
  readonly pages?: (req: IncomingMessage, res: ServerResponse, pathname: string) => boolean;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** RSS and heap after a full GC when the process allows one (node --expose-gc): what a connection really costs. */
function memoryFigures() {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

export function createRouter(options: RouterOptions) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('access-control-allow-origin', '*');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers':
          'authorization, content-type, apollo-require-preflight, x-apollo-operation-name',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    if (url.pathname === '/health/live') {
      json(res, 200, { status: 'ok' });
      return;
    }
    if (url.pathname === '/health/ready' && options.readiness) {
      options.readiness().then(
        ({ status, body }) => json(res, status, body),
        (error: unknown) => {
          options.logger.error('[cruddur] readiness failed', error);
          json(res, 503, { status: 'unavailable' });
        },
      );
      return;
    }
    // Liveness, as before (the process answers); kept for existing probes and the benchmark's ?memory.
    if (url.pathname === '/health') {
      json(
        res,
        200,
        url.searchParams.has('memory')
          ? { status: 'ok', ...memoryFigures(), connections: options.connections() }
          : { status: 'ok' },
      );
      return;
    }
    if (options.pages?.(req, res, url.pathname)) return;
    if (url.pathname !== '/graphql') {
      sendHttpError(res, 404, { message: 'Not found: the API is at /graphql', errorType: ErrorType.NotFound });
      return;
    }
    options.graphql(req, res).catch((error: unknown) => {
      options.logger.error('[cruddur] request failed', error);
      if (res.headersSent) return void res.end();
      sendHttpError(res, 500, {
        message: 'An internal error occurred; it has been logged on the server.',
        errorType: ErrorType.InternalFailure,
      });
    });
  };
}
