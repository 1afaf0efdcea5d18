// Serves one built folder (dist/web or dist/playground): only the files its manifest lists, read into memory at
// start-up (so no request path ever reaches the file system), with content types, caching headers and gzip.
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readManifest } from './build.ts';

/** Bounds on what one folder may hold: the playground is about 1.8 MB in two files. */
export const MAX_STATIC_FILES = 64;
export const MAX_STATIC_BYTES = 16 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

interface StaticFile {
  readonly body: Buffer;
  readonly gzip: Buffer | null;
  readonly type: string;
}

export interface StaticFolder {
  /** Why the folder cannot be served (not built, or over the bounds), or null. */
  readonly problem: string | null;
  /** Sends `name` (a file name from the manifest) or returns false when there is no such file. */
  send(req: IncomingMessage, res: ServerResponse, name: string, headers?: Record<string, string>): boolean;
}

/** How often a page load may look for a new build (npm run dev:web rebuilds while the server runs). */
const RECHECK_MS = 1000;

/**
 * Reads the folder on first use (most servers, in tests and benchmarks, never serve a page) and keeps it; a
 * folder that is not there yet (being built) is looked for again on the next request, and a page load notices
 * a newer build (its manifest changed) at most once a second.
 */
export function createStaticFolder(options: { dir: string }): StaticFolder {
  let loaded: { files: Map<string, StaticFile>; problem: string | null; stamp: number } | null = null;
  let checkedAt = 0;
  const stamp = () => {
    try {
      return statSync(path.join(options.dir, 'manifest.json')).mtimeMs;
    } catch {
      return -1;
    }
  };
  const load = (page = false) => {
    if (loaded?.problem === null) {
      if (!page || Date.now() - checkedAt < RECHECK_MS) return loaded;
      checkedAt = Date.now();
      if (stamp() === loaded.stamp) return loaded;
    }
    const at = stamp();
    return (loaded = { ...loadFolder(options.dir), stamp: at });
  };
  return {
    get problem() {
      return load().problem;
    },
    send(req, res, name, headers = {}) {
      const file = load(name === 'index.html').files.get(name);
      if (!file) return false;
      const gzip = file.gzip !== null && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const body = gzip ? file.gzip! : file.body;
      res.writeHead(200, {
        'content-type': file.type,
        'content-length': String(body.length),
        'x-content-type-options': 'nosniff',
        // Hashed names never change content; index.html must be revalidated so a new build is picked up.
        'cache-control': name === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
        vary: 'accept-encoding',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        ...headers,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    },
  };
}

function loadFolder(dir: string): { files: Map<string, StaticFile>; problem: string | null } {
  const files = new Map<string, StaticFile>();
  const manifest = readManifest(dir);
  if (!manifest) return { files, problem: `${path.basename(dir)} is not built: run npm run build:web` };
  const names = Object.keys(manifest.files);
  const total = Object.values(manifest.files).reduce((a, b) => a + b, 0);
  if (names.length > MAX_STATIC_FILES || total > MAX_STATIC_BYTES) {
    return {
      files,
      problem: `${dir} holds ${names.length} files, ${total} bytes: over ${MAX_STATIC_FILES} files or ${MAX_STATIC_BYTES} bytes`,
    };
  }
  for (const name of names) {
    // The manifest is ours, but a name is still only ever a plain file name in this folder.
    if (name !== path.basename(name)) continue;
    const body = readFileSync(path.join(dir, name));
    const type = CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream';
    const compressible = /text|json|svg/.test(type) && body.length > 1024;
    files.set(name, { body, gzip: compressible ? gzipSync(body) : null, type });
  }
  return { files, problem: null };
}
