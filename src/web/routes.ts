// The browser-facing routes: the web app at / and /messages/*, its assets at /assets/*, the playground at
// GET /graphql when the client asks for HTML (API clients never do) with its assets at /playground/*, and the
// local-mode demo sign-in at /auth/*. Returns false for anything else, so the router carries on.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../plugins/errors.ts';
import { BUNDLES } from './build.ts';
import { pageHeaders } from './csp.ts';
import { createDemoAuthRoutes, type LocalAuth } from './demo-auth.ts';
import { createStaticFolder } from './static.ts';

export interface WebRoutesOptions {
  /** Present in AUTH_MODE=local only: the /auth/* routes are 404 without it. */
  readonly localAuth?: LocalAuth;
  readonly logger: Logger;
  /** Folders to serve instead of dist/web and dist/playground (tests). */
  readonly dirs?: { web: string; playground: string };
}

/** True when a GET wants a page: the browser's navigation Accept lists text/html (curl's catch-all does not). */
export function wantsHtml(req: IncomingMessage): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && /\btext\/html\b/.test(String(req.headers.accept ?? ''));
}

const isAppPath = (pathname: string) =>
  pathname === '/' || pathname === '/messages' || /^\/messages\/[^/]/.test(pathname);

export function createWebRoutes(options: WebRoutesOptions) {
  const web = createStaticFolder({ dir: options.dirs?.web ?? BUNDLES[0]!.outDir });
  const playground = createStaticFolder({ dir: options.dirs?.playground ?? BUNDLES[1]!.outDir });
  const demoAuth = options.localAuth ? createDemoAuthRoutes(options.localAuth) : null;

  const notBuilt = (res: ServerResponse, problem: string) => {
    options.logger.warn(`[cruddur] ${problem}`);
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`${problem}\n`);
  };
  const asset = (req: IncomingMessage, res: ServerResponse, folder: typeof web, name: string) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    // index.html and manifest.json are not assets; a name with a slash (or an encoded one) matches no file.
    if (name === 'index.html' || name === 'manifest.json') return false;
    return folder.send(req, res, name);
  };

  /** Handles the request and returns true, or returns false when it is not a browser route. */
  return (req: IncomingMessage, res: ServerResponse, pathname: string): boolean => {
    if (pathname.startsWith('/auth/')) {
      if (!demoAuth || (pathname !== '/auth/demo-users' && pathname !== '/auth/demo-token')) return false;
      demoAuth(req, res, pathname).catch((error: unknown) => {
        options.logger.error('[cruddur] demo sign-in failed', error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end();
      });
      return true;
    }
    if (pathname === '/graphql' && wantsHtml(req)) {
      if (!playground.send(req, res, 'index.html', pageHeaders(req.headers.host))) notBuilt(res, playground.problem!);
      return true;
    }
    if (pathname.startsWith('/playground/')) return asset(req, res, playground, pathname.slice('/playground/'.length));
    if (pathname.startsWith('/assets/')) return asset(req, res, web, pathname.slice('/assets/'.length));
    if (isAppPath(pathname) && (req.method === 'GET' || req.method === 'HEAD')) {
      if (!web.send(req, res, 'index.html', pageHeaders(req.headers.host))) notBuilt(res, web.problem!);
      return true;
    }
    return false;
  };
}
